"""What the phone inspection page's browser tests share: real JPEG files, the waiting count, one problem's card."""

from PIL import Image
from playwright.sync_api import expect

FIELD_API = "**/api/v1/supervision/field/**"
PHOTOS = "**/api/v1/supervision/field/photos"


def jpeg(path, color, size=(96, 72)) -> str:
    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 8):  # some detail, so a re-encoded picture is really smaller
        img.paste((255 - color[0], color[1], 255 - color[2]), (x, 0, x + 3, size[1]))
    img.save(path, "JPEG", quality=92)
    return str(path)


def waiting(page, n):
    expect(page.get_by_test_id("field-waiting")).to_have_text(f"待上传 {n} 项")


def fill_problem(card, village, severity, text, photos):
    card.get_by_label("村（社区）").select_option(label=village)
    card.get_by_label("严重程度").select_option(label=severity)
    card.get_by_label("问题描述").fill(text)
    for path in photos:
        card.get_by_label("拍摄问题照片").set_input_files(path)
    expect(card.locator(".fs-field-photo")).to_have_count(len(photos))


def cut_after_server_saved(context):
    """A route handler for the photo upload: the first request reaches the server, then the connection drops
    (the context goes offline) before the phone hears the answer. Returns (handler, state)."""
    state = {"done": False}

    def handler(route):
        if state["done"]:
            route.continue_()
            return
        state["done"] = True
        route.fetch()
        context.set_offline(True)
        route.abort("internetdisconnected")

    return handler, state
