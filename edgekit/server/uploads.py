"""Reading an uploaded file within a size limit, without first holding an oversized upload in memory."""

from __future__ import annotations

from fastapi import UploadFile

from edgekit.errors import BadInput

CHUNK = 256 * 1024


async def read_upload(upload: UploadFile, limit_mb: float) -> bytes:
    limit = int(limit_mb * 1024 * 1024)
    data = bytearray()
    while chunk := await upload.read(CHUNK):
        data += chunk
        if len(data) > limit:
            raise BadInput(
                f"The upload is larger than {limit_mb:g} MB; send a shorter recording or a smaller file.",
                code="upload_too_large",
                http_status=413,
            )
    return bytes(data)
