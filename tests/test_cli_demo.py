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
