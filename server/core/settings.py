"""Server settings from the environment (GOVHALL_*) and an optional TOML file (GOVHALL_CONFIG)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

from shared.protocol.endpoint import DEFAULT_HOST, DEFAULT_PORT


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GOVHALL_", extra="forbid")

    data_dir: Path = Field(default=Path("data"), description="where the embedded SQLite database lives")
    database_url: str = Field(default="", description="SQLAlchemy URL; empty = SQLite file in data_dir")
    host: str = DEFAULT_HOST
    port: int = Field(default=DEFAULT_PORT, ge=1, le=65535)
    token_ttl_hours: float = Field(default=12, gt=0)
    lockout_threshold: int = Field(default=5, ge=1, description="failed logins that lock an account")
    lockout_minutes: float = Field(default=15, gt=0)
    password_iterations: int = Field(default=200_000, ge=1_000)
    migrate_on_start: bool = True
    max_body_bytes: int = Field(default=4 * 1024 * 1024, ge=1024)
    # Several processes on one PostgreSQL (README, "Production layout"). Each process holds at most
    # pool_size + pool_max_overflow connections (+1 for its wake-up listener); keep the sum over all processes
    # under the server's max_connections. Admission (server/api/admission.py) lets (pool - 2) / 2 requests work
    # at once, at most the 40 threads of a process's request thread pool.
    pool_size: int = Field(default=10, ge=1, description="PostgreSQL connections each process keeps open")
    pool_max_overflow: int = Field(default=30, ge=0, description="extra connections a busy process may open")
    pool_timeout_s: float = Field(default=10, gt=0, description="wait for a free connection, or for a place to "
                                  "work (server/api/admission.py), before answering 503")
    replica_url: str = Field(default="", description="read-only PostgreSQL replica for statistics; empty = primary")
    run_jobs: bool = Field(default=True, description="run the scheduled jobs in this process (serve)")
    job_tick_s: float = Field(default=5, gt=0, description="how often the scheduler looks for due jobs (serve)")
    tls_cert: Path | None = Field(default=None, description="PEM certificate chain: serve HTTPS (with tls_key)")
    tls_key: Path | None = Field(default=None, description="PEM private key of tls_cert")

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None
    # Credentials (see server/auth/): the password policy, the login throttle, idle lock, demo mode.
    password_min_length: int = Field(default=12, ge=8, le=200)
    password_min_classes: int = Field(default=3, ge=1, le=4, description="of lower, upper, digit, other")
    password_history: int = Field(default=5, ge=0, le=50, description="the last N passwords may not be reused")
    password_max_age_days: float = Field(default=90, ge=0, description="0 = passwords never expire")
    address_failure_limit: int = Field(default=30, ge=1, description="failed logins from one address that "
                                                                      "throttle it for every account")
    idle_lock_minutes: float = Field(default=10, gt=0, description="a workstation locks its screen when idle")
    token_idle_minutes: float = Field(default=30, gt=0, description="a staff token unused this long is refused")
    demo_mode: bool = Field(default=False, description="the demo hall: its published passwords are accepted")
    # Audit trail: HMAC-SM3 chain key (hex, 32 bytes); empty = <data_dir>/audit.key, made once, 0600.
    audit_key: str = ""
    trusted_proxies: str = Field(default="", description="addresses whose X-Forwarded-For is believed "
                                                         "(comma-separated); empty = none")

    # SMS (server/notify): which gateway, its address and credentials, and the sending policy.
    sms_gateway: Literal["log", "http", "cmpp"] = Field(default="log", description="log: no SMS, only the log")
    sms_http_endpoint: str = "https://sms.tencentcloudapi.com"
    sms_http_secret_id: str = ""
    sms_http_secret_key: str = ""
    sms_http_app_id: str = ""
    sms_http_sign_name: str = ""
    sms_http_region: str = "ap-guangzhou"
    sms_template_ids: dict[str, str] = Field(default_factory=dict, description="event -> provider template id")
    sms_cmpp_host: str = "127.0.0.1"
    sms_cmpp_port: int = Field(default=7890, ge=1, le=65535)
    sms_cmpp_account: str = Field(default="", max_length=6, description="Source_Addr (SP 企业代码)")
    sms_cmpp_secret: str = ""
    sms_cmpp_src_id: str = Field(default="", description="the service number messages come from")
    sms_cmpp_service_id: str = ""
    sms_timeout_s: float = Field(default=5, gt=0)
    sms_send_every_s: float = Field(default=10, gt=0, description="how often the sender looks for due SMS")
    sms_per_phone_per_hour: int = Field(default=5, ge=1, description="at most this many SMS to one number an hour")
    sms_max_attempts: int = Field(default=8, ge=1)
    sms_retry_base_s: float = Field(default=30, gt=0, description="first retry delay; doubles, with jitter")
    sms_retry_max_s: float = Field(default=3600, gt=0)

    # File storage (server/storage): attachments and the archive, sealed before they reach it. "file" keeps
    # them under data_dir; "s3" in a bucket of an S3-compatible store (needs the `s3` extra: boto3).
    storage_backend: Literal["file", "s3"] = Field(default="file", description="file (under data_dir) or s3")
    s3_endpoint_url: str = Field(default="", description="e.g. http://minio.hall.local:9000; empty = AWS S3")
    s3_bucket: str = ""
    s3_region: str = "us-east-1"
    s3_access_key: str = Field(default="", description="empty = boto3's own lookup (environment, instance role)")
    s3_secret_key: str = ""
    s3_prefix: str = Field(default="", description="key prefix inside the bucket, e.g. govhall/prod")
    s3_addressing_style: Literal["path", "virtual", "auto"] = Field(
        default="path", description="path for MinIO-like endpoints (http://host/bucket/key)")
    s3_timeout_s: float = Field(default=5, gt=0, description="connect and read timeout of each S3 request")

    @model_validator(mode="after")
    def _storage_complete(self) -> "Settings":
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("storage_backend = s3 needs s3_bucket (GOVHALL_S3_BUCKET)")
        return self

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource):
        config_file = os.environ.get("GOVHALL_CONFIG")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if config_file:
            if not Path(config_file).is_file():
                raise FileNotFoundError(f"GOVHALL_CONFIG points at {config_file}, which does not exist")
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'server.sqlite3').resolve()}"
