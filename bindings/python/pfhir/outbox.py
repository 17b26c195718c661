"""The embedded outbox (docs/relay.md, "Embedding the outbox"): durable submission without a
relay process. Bundles and HL7 v2 messages are stored in a SQLite file in a folder before the
call returns, and delivered to the platform by background threads; what is not delivered when
the outbox is closed (or the process dies) is delivered after the next open.

>>> with pfhir.Outbox("/var/lib/emr/outbox", config) as outbox:
...     sub = outbox.submit_bundle(pfhir.build_bundle(patient))
...     outbox.status(sub.id).state       # "pending", then "delivered"
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Optional, Union

from . import _ffi
from ._abi import OutboxKind, OutboxState, Received
from .build import input_json
from .client import BundleLike, ClientConfig
from .hl7 import Hl7Options, Message, _message

__all__ = ["Outbox", "Submission", "MessageStatus"]

_RECEIVED = {int(r): r.name.lower() for r in Received}
_STATES = {int(s): s.name.lower() for s in OutboxState}
_KINDS = {"create": OutboxKind.CREATE, "update": OutboxKind.UPDATE}


@dataclass(frozen=True)
class Submission:
    """What one submission did.

    Attributes:
        id: the message's id in the outbox (for :meth:`Outbox.status`); 0 when nothing was
            stored.
        received: ``"stored"`` (durably, before the call returned), ``"duplicate"`` (a
            re-send: the first message's id and ACK), ``"refused"`` (an HL7 message that
            cannot become a valid Bundle; the ACK says AE or AR) or ``"store_failed"`` (the
            ACK says AR: send it again).
        ack: the HL7 ACK to give the sender (segments ended by ``\\r``); empty for a Bundle.
    """

    id: int
    received: str
    ack: bytes

    @property
    def stored(self) -> bool:
        """True when the message is in the outbox (stored now, or a re-send of a stored one)."""
        return self.received in ("stored", "duplicate")


@dataclass(frozen=True)
class MessageStatus:
    """The status of one stored message (docs/relay.md, "States").

    Attributes:
        state: ``"pending"``, ``"sending"``, ``"delivered"``, ``"rejected"``, ``"waiting"``,
            ``"uncertain"``, ``"held"`` or ``"dropped"``.
        attempts: delivery attempts made.
        logical_id: the platform's Patient id once the patient's create is delivered (v1: the
            business id), else ``None``.
        detail: why it is in its state (rejected: the platform's OperationOutcome JSON;
            waiting, uncertain, held: a reason without patient values), or ``None``.
    """

    state: str
    attempts: int
    logical_id: Optional[str]
    detail: Optional[str]

    @property
    def final(self) -> bool:
        """True for delivered, rejected and dropped: nothing more will happen to it."""
        return self.state in ("delivered", "rejected", "dropped")


class Outbox(_ffi.NativeObject):
    """A durable outbox in ``directory`` delivering with a client made from ``config`` (a
    :class:`pfhir.ClientConfig`, or its fields as keyword arguments).

    Opening recovers what an earlier process left being sent and starts ``workers`` delivery
    threads (0: the default, 2). Thread-safe. Use it as a context manager or call
    :meth:`close`, which lets each worker finish its current delivery. One folder is opened
    by one outbox at a time.
    """

    _what = "outbox"

    def __init__(
        self,
        directory: Union[str, "os.PathLike[str]"],
        config: Optional[ClientConfig] = None,
        *,
        hl7: Optional[Hl7Options] = None,
        workers: int = 0,
        **kwargs: Any,
    ) -> None:
        self._owned: Optional[_ffi.Owned] = None
        if config is None:
            config = ClientConfig(**kwargs)
        elif kwargs:
            raise TypeError("pass either a ClientConfig or keyword arguments, not both")
        elif not isinstance(config, ClientConfig):
            raise TypeError(f"config must be a ClientConfig, not {type(config).__name__}")
        if hl7 is not None and not isinstance(hl7, Hl7Options):
            raise TypeError(f"hl7 must be Hl7Options or None, not {type(hl7).__name__}")
        if isinstance(workers, bool) or not isinstance(workers, int) or not 0 <= workers <= 0xFFFF:
            raise ValueError("workers must be an int from 0 (the default) to 65535")
        path = os.fsdecode(os.fspath(directory)).encode("utf-8")
        self.directory = os.fsdecode(os.fspath(directory))
        lib = _ffi.lib()
        cfg = config._new_handle()
        opts = hl7._new_handle() if hl7 is not None else None
        try:
            ptr = _ffi.call_out(lib.pfhir_outbox_open, path, len(path), cfg, opts, workers)
        finally:
            lib.pfhir_client_config_free(cfg)
            if opts is not None:
                lib.pfhir_hl7_options_free(opts)
        self._owned = _ffi.Owned(ptr, lib.pfhir_outbox_close, "outbox")

    def submit_bundle(self, bundle: BundleLike, *, kind: str = "create") -> Submission:
        """Stores a ready message Bundle for delivery as a ``"create"`` or an ``"update"``
        (v2: to its Patient.id; v1: to its business id). It is validated first (an invalid
        Bundle raises :class:`pfhir.ValidationError` with its outcome; nothing is stored) and
        is on disk when this returns. The same Bundle.id again is a ``"duplicate"``."""
        if kind not in _KINDS:
            raise ValueError('kind must be "create" or "update"')
        body = input_json(bundle, "bundle")
        return self._submission(
            _ffi.lib().pfhir_outbox_submit_bundle, body, len(body), int(_KINDS[kind])
        )

    def submit_hl7(self, message: Message) -> Submission:
        """Takes one HL7 v2 message exactly as the MLLP relay does: stored before an ``AA``,
        refused at once (``AE``/``AR``, nothing stored) when it cannot become a valid Bundle.
        Give ``Submission.ack`` to the sender."""
        data = _message(message)
        return self._submission(_ffi.lib().pfhir_outbox_submit_hl7, data, len(data))

    def status(self, message_id: int) -> MessageStatus:
        """The status of message ``message_id``; :class:`pfhir.NotFoundError` when there is
        no such message."""
        if isinstance(message_id, bool) or not isinstance(message_id, int) or message_id < 0:
            raise ValueError("message_id must be a non-negative int (a Submission.id)")
        lib = _ffi.lib()
        s = self._call(lib.pfhir_outbox_status, message_id)
        try:
            return MessageStatus(
                state=_STATES.get(int(lib.pfhir_message_status_state(s)), "unknown"),
                attempts=int(lib.pfhir_message_status_attempts(s)),
                logical_id=_ffi.text(lib.pfhir_message_status_logical_id(s)),
                detail=_ffi.text(lib.pfhir_message_status_detail(s)),
            )
        finally:
            lib.pfhir_message_status_free(s)

    def _submission(self, fn: Any, *args: Any) -> Submission:
        lib = _ffi.lib()
        s = self._call(fn, *args)
        try:
            return Submission(
                id=int(lib.pfhir_submission_id(s)),
                received=_RECEIVED.get(int(lib.pfhir_submission_received(s)), "unknown"),
                ack=_ffi.call_bytes(lib.pfhir_submission_ack, s),
            )
        finally:
            lib.pfhir_submission_free(s)

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"Outbox({getattr(self, 'directory', None)!r}, {state})"
