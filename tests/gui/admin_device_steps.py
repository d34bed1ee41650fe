"""Journey steps on the 设备管理 page: register a device through the page as an administrator would and save
its config file (the lead's whole-hall journey starts a dispenser from it)."""

from __future__ import annotations

from pathlib import Path

from client.services.device_handover import Handover


def register_device(qtbot, workspace, directory: Path, kind: str, window: int | None = None,  # noqa: ANN001
                    name: str = "", timeout: int = 15000) -> Path:
    """Register a `kind` device (at `window`, for the kinds that stand at one) for the hall selected on the page
    and save its config in `directory`; returns the saved file's path."""
    page = workspace.page("设备管理")
    qtbot.waitUntil(lambda: page.hall() is not None, timeout=timeout)
    panel = page.register
    panel.select_kind(kind)
    if window is not None:
        panel.window_box.setCurrentIndex(panel.window_box.findData(window))
    panel.name_edit.setText(name)
    with qtbot.waitSignal(panel.sig_registered, timeout=timeout) as done:
        panel.register_button.click()
    handover = done.args[0]
    assert isinstance(handover, Handover), f"registration refused: {handover}"
    return panel.save_to(Path(directory) / handover.file_name)


def register_dispenser(qtbot, workspace, directory: Path, name: str = "") -> Path:  # noqa: ANN001
    """A dispenser for the selected hall; its saved config path (`python -m kiosk --mode dispenser --config`)."""
    return register_device(qtbot, workspace, directory, "dispenser", name=name)
