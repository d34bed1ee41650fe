"""The storage interface's contract (server/storage), run against each backend: the data folder and an S3
bucket on moto's HTTP server. Whole objects, names that cannot leave their area, a missing object told apart
from a store that is down, and the store's failures as StorageUnavailable with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.core.settings import Settings
from server.storage import BlobMissing, StorageUnavailable, blob_store
from tests.live import free_port


@pytest.fixture
def settings(tmp_path: Path, storage_settings: dict) -> Settings:
    return Settings(data_dir=tmp_path, **storage_settings)


def test_objects_are_stored_whole_listed_and_deleted(settings: Settings) -> None:
    store = blob_store(settings, "attachments")
    other = blob_store(settings, "archive")
    store.put("a1/0", b"first")
    store.put("a1/1", b"\x00" * 70_000)
    store.put("a1/0", b"second")  # written over whole
    store.put("b2/0", b"")
    assert store.get("a1/0") == b"second" and store.get("a1/1") == b"\x00" * 70_000 and store.get("b2/0") == b""
    assert sorted(store.names()) == ["a1/0", "a1/1", "b2/0"] and list(store.names("a1/")) == ["a1/0", "a1/1"]
    assert list(other.names()) == []  # one area never sees another's objects
    with pytest.raises(BlobMissing):
        other.get("a1/0")
    store.delete("a1/0")
    store.delete("a1/0")  # again: nothing to do, no error
    with pytest.raises(BlobMissing):
        store.get("a1/0")
    assert sorted(store.names()) == ["a1/1", "b2/0"]


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/abs", "a//b", "a/./b", "", "a b", "a\\b", "~tmp"])
def test_a_name_that_could_leave_its_area_is_refused(settings: Settings, name: str) -> None:
    store = blob_store(settings, "archive")
    for call in (lambda: store.put(name, b"x"), lambda: store.get(name), lambda: store.delete(name)):
        with pytest.raises(ValueError):
            call()


def test_the_file_backend_keeps_the_layout_of_the_data_folder(tmp_path: Path) -> None:
    store = blob_store(Settings(data_dir=tmp_path), "archive")
    store.put("DG-2026-000001/manifest.json", b"{}")
    path = tmp_path / "archive" / "DG-2026-000001" / "manifest.json"
    assert path.read_bytes() == b"{}" and path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700 and not list(path.parent.glob("~*"))


def test_s3_needs_a_bucket_and_loads_boto3_only_when_chosen() -> None:
    with pytest.raises(ValueError, match="s3_bucket"):
        Settings(storage_backend="s3")


def test_s3_failures_become_storage_unavailable_with_their_reason(s3_server, s3_bucket, tmp_path: Path) -> None:  # noqa: ANN001
    from moto.core.authorization import enable_iam_authentication

    no_bucket = blob_store(Settings(data_dir=tmp_path, **s3_server.settings("govhall-no-such-bucket")), "archive")
    for call in (lambda: no_bucket.put("x/1", b"x"), lambda: no_bucket.get("x/1"), lambda: list(no_bucket.names())):
        with pytest.raises(StorageUnavailable) as exc:
            call()
        assert exc.value.reason == "no_bucket" and exc.value.code == "storage_unavailable"

    down = Settings(data_dir=tmp_path, **(s3_server.settings(s3_bucket) | {"s3_endpoint_url":
                                                                           f"http://127.0.0.1:{free_port()}"}))
    with pytest.raises(StorageUnavailable) as exc:
        blob_store(down, "archive").get("x/1")
    assert exc.value.reason == "unreachable"

    store = blob_store(Settings(data_dir=tmp_path, **s3_server.settings(s3_bucket)), "archive")
    store.put("x/1", b"kept")
    with enable_iam_authentication():  # the store now checks keys: ours are unknown to it
        for call in (lambda: store.put("x/2", b"x"), lambda: store.get("x/1")):
            with pytest.raises(StorageUnavailable) as exc:
                call()
            assert exc.value.reason == "access_denied"
    assert store.get("x/1") == b"kept" and list(store.names()) == ["x/1"]


def test_storage_copy_moves_a_data_folder_into_the_bucket_and_can_run_again(s3_server, s3_bucket,  # noqa: ANN001
                                                                            tmp_path: Path, monkeypatch, capsys) -> None:
    from server.__main__ import main
    on_disk = Settings(data_dir=tmp_path)
    blob_store(on_disk, "attachments").put("f1/0", b"sealed chunk")
    blob_store(on_disk, "archive").put("DG-2026-000001/manifest.json", b"sealed manifest")
    monkeypatch.setenv("GOVHALL_DATA_DIR", str(tmp_path))
    for name, value in s3_server.settings(s3_bucket, "moved").items():
        if name != "storage_backend":  # still on the data folder while the files are copied
            monkeypatch.setenv(f"GOVHALL_{name.upper()}", str(value))
    assert main(["storage-copy", "--to", "s3"]) == 0
    assert "attachments: 1 copied, 0 already there" in capsys.readouterr().out
    on_s3 = Settings(data_dir=tmp_path / "elsewhere", **s3_server.settings(s3_bucket, "moved"))
    assert blob_store(on_s3, "attachments").get("f1/0") == b"sealed chunk"
    assert blob_store(on_s3, "archive").get("DG-2026-000001/manifest.json") == b"sealed manifest"
    assert main(["storage-copy", "--to", "s3"]) == 0  # run again (a copy cut off): nothing copied twice
    assert "archive: 0 copied, 1 already there" in capsys.readouterr().out
    monkeypatch.setenv("GOVHALL_S3_BUCKET", "govhall-no-such-bucket")
    assert main(["storage-copy", "--to", "s3"]) == 1
    assert "no_bucket" in capsys.readouterr().err


def test_a_server_set_to_s3_without_boto3_says_so_when_it_starts(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import sys

    from server.main import create_app
    monkeypatch.setitem(sys.modules, "boto3", None)  # as if the s3 extra were not installed
    with pytest.raises(RuntimeError, match=r"govhall\[s3\]"):
        create_app(Settings(data_dir=tmp_path, storage_backend="s3", s3_bucket="govhall"))
