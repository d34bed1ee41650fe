"""Case attachments on the server: upload sessions and chunks (models), where the sealed bytes live (storage),
and the rules of upload and download (service)."""
