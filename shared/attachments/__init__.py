"""Case attachments (scans and photos of materials): the rules both the counter and the server apply before a
file is accepted, and the sealed chunked file format both keep them in at rest."""
