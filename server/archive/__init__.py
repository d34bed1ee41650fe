"""The electronic archive of finished cases (issue 15, item 5): assembly on 办结 (assemble.py) from document
providers (providers.py), encrypted storage (storage.py), verification, exports (export.py), disposal."""
