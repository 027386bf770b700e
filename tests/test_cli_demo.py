"""`make demo` never sits silent: it says that it migrates before the (long) migrate and when it is done."""

from fivestar import cli


def test_demo_announces_the_migration(monkeypatch, capsys):
    calls = []

    def fake_django(args):
        calls.append((args[0], capsys.readouterr().out))

    monkeypatch.setattr(cli, "_django", fake_django)
    monkeypatch.setenv("FIVESTAR_DEMO_NO_SERVE", "1")
    cli.demo([])
    assert [c[0] for c in calls] == ["migrate", "load_demo"]
    assert "正在迁移数据库…" in calls[0][1]  # printed before migrate runs
    assert "数据库迁移完成" in calls[1][1]  # and the done line before the demo data loads


def test_load_demo_says_each_step_before_doing_it(monkeypatch):
    """load_demo (the minute after the migration) writes and flushes "[n/N] …" before each step's work. Every
    loader is replaced by a fake that notes how many step lines were out when it started: the real ones take
    minutes and are tested in tests/demo/."""
    import importlib
    import io
    import pkgutil
    import re

    import django.core.management

    import fivestar.demo
    from fivestar.demo.management.commands import load_demo
    from fivestar.indicators import demo as income
    from fivestar.orgs.divisions import importer

    out = io.StringIO()
    started = []

    def steps_out():
        return len(re.findall(r"^\[\d+/\d+\] ", out.getvalue(), re.M))

    def work(name):
        def _work(*args, **kwargs):
            started.append((name, steps_out()))
            return type("Plan", (), {"errors": []})() if name == "plan_import" else None
        return _work

    class Fake:
        accounts, why_early, stage, ready = [], None, "", False

        def __init__(self, *args, **kwargs):
            self.name = type(self).__name__

        def load(self):
            started.append((self.name, steps_out()))
            return []

        def summary(self):
            return ""

    for module, names in ((importer, ["plan_import", "apply_import"]), (income, ["load_demo_income"]),
                          (django.core.management, ["call_command"])):
        for name in names:
            monkeypatch.setattr(module, name, work(name))
    # Every demo loader (a class named …Demo or Hubuzhai…, a load_… function) in every fivestar.demo module, so a
    # step added later is faked too instead of running for real here.
    for info in pkgutil.iter_modules(fivestar.demo.__path__):
        module = importlib.import_module(f"fivestar.demo.{info.name}")
        for name, value in list(vars(module).items()):
            if getattr(value, "__module__", None) != module.__name__:
                continue
            if isinstance(value, type) and (name.endswith("Demo") or name.startswith("Hubuzhai")):
                monkeypatch.setattr(module, name, type(name, (Fake,), {}))
            elif callable(value) and name.startswith("load_"):
                monkeypatch.setattr(module, name, work(name))
    monkeypatch.setattr(load_demo, "QingzuDemo", type("QingzuDemo", (Fake,), {}))

    load_demo.Command(stdout=out).handle(today=None)
    lines = re.findall(r"^\[(\d+)/(\d+)\] (.+)…$", out.getvalue(), re.M)
    assert [int(n) for n, _, _ in lines] == list(range(1, load_demo.STEPS + 1))
    assert {int(total) for _, total, _ in lines} == {load_demo.STEPS} and all(text.strip() for _, _, text in lines)
    # Each piece of work started after its step was announced: the divisions after step 1, …, the flags after the last.
    assert started[0] == ("plan_import", 1) and started[-1][1] == load_demo.STEPS
    assert [count for _, count in started] == sorted(count for _, count in started)
    assert {count for _, count in started} == set(range(1, load_demo.STEPS + 1))  # no step without work, no silent work
