from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Request(BaseModel):
    """Incoming bodies: unknown fields and wrong types are refused, never coerced."""
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ErrorBody(Response):
    code: str
    message: str
    details: dict | list | None = None


class ErrorEnvelope(Response):
    error: ErrorBody
