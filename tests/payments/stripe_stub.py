"""A local stand-in for the Stripe API: a real HTTP server on 127.0.0.1 that the stripe library talks to.

It answers the few endpoints payments calls with Stripe-shaped JSON, records every request (method,
path, form body, ``Idempotency-Key``) and honours idempotency keys like Stripe: the same key with the
same parameters gets the same response; with other parameters, an ``idempotency_error``. Tests move
sessions along (``complete_session``, ``refund_at_stripe``) and build signed webhook events.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

API_VERSION = "2026-10-28.endive"


def sign(payload: str, secret: str, *, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header exactly as Stripe builds it: HMAC-SHA256 of ``"{t}.{payload}"``."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class RecordedRequest:
    method: str
    path: str
    form: dict[str, str]
    idempotency_key: str | None
    authorization: str | None


@dataclass
class StripeStub:
    requests: list[RecordedRequest] = field(default_factory=list)
    sessions: dict[str, dict] = field(default_factory=dict)
    payment_intents: dict[str, dict] = field(default_factory=dict)
    charges: dict[str, dict] = field(default_factory=dict)
    refunds: dict[str, dict] = field(default_factory=dict)
    forced_errors: list[tuple[int, str]] = field(default_factory=list)
    url: str = ""
    _idempotent: dict[str, tuple[dict, int, dict]] = field(default_factory=dict)
    _counter: itertools.count = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- what tests look at ------------------------------------------------------------------------
    def posts(self, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == "POST" and r.path.startswith(path_prefix)]

    def fail_next(self, status: int = 500, error_type: str = "api_error") -> None:
        """The next request gets this error instead of an answer."""
        self.forced_errors.append((status, error_type))

    # --- moving things along, as a buyer or the dashboard would ------------------------------------
    def complete_session(self, session_id: str) -> dict:
        """The buyer paid: the session completes with a PaymentIntent and a charge."""
        with self._lock:
            session = self.sessions[session_id]
            number = next(self._counter)
            intent_id, charge_id = f"pi_test_{number}", f"ch_test_{number}"
            self.payment_intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": session["currency"],
                "status": "succeeded",
                "latest_charge": charge_id,
                "metadata": dict(session["_intent_metadata"]),
            }
            self.charges[charge_id] = {
                "id": charge_id,
                "object": "charge",
                "amount": session["amount_total"],
                "amount_refunded": 0,
                "currency": session["currency"],
                "payment_intent": intent_id,
                "refunded": False,
                "metadata": {},
            }
            session.update(status="complete", payment_status="paid", payment_intent=intent_id)
            return self._public(session)

    def refund_at_stripe(self, session_id: str, amount: int) -> dict:
        """Someone refunds in the Stripe dashboard; returns the charge as a charge.refunded event holds it."""
        with self._lock:
            charge = self._charge_of(self.sessions[session_id])
            charge["amount_refunded"] += amount
            charge["refunded"] = charge["amount_refunded"] == charge["amount"]
            return dict(charge)

    def charge_for(self, session_id: str) -> dict:
        with self._lock:
            return dict(self._charge_of(self.sessions[session_id]))

    def session(self, session_id: str) -> dict:
        with self._lock:
            return self._public(self.sessions[session_id])

    def expire_session_at_stripe(self, session_id: str) -> dict:
        with self._lock:
            self.sessions[session_id].update(status="expired")
            return self._public(self.sessions[session_id])

    # --- events ------------------------------------------------------------------------------------
    def event(self, event_type: str, data_object: dict, *, event_id: str | None = None) -> dict:
        return {
            "id": event_id or f"evt_test_{next(self._counter)}",
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": data_object},
        }

    # --- the HTTP side -----------------------------------------------------------------------------
    def handle(self, method: str, path: str, form: dict, headers) -> tuple[int, dict]:
        key = headers.get("Idempotency-Key")
        with self._lock:
            self.requests.append(RecordedRequest(method, path, form, key, headers.get("Authorization")))
            if self.forced_errors:
                status, error_type = self.forced_errors.pop(0)
                return status, {"error": {"type": error_type, "message": "forced by the test"}}
            if method == "POST" and key:
                if key in self._idempotent:
                    first_form, status, body = self._idempotent[(key)]
                    if first_form != {**form, "_path": path}:
                        return 400, {
                            "error": {
                                "type": "idempotency_error",
                                "message": "Idempotency keys can only be reused with the same parameters",
                            }
                        }
                    return status, body
                status, body = self._route(method, path, form)
                self._idempotent[key] = ({**form, "_path": path}, status, body)
                return status, body
            return self._route(method, path, form)

    def _route(self, method: str, path: str, form: dict) -> tuple[int, dict]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["v1", "checkout", "sessions"]:
            return 200, self._create_session(form)
        if method == "GET" and parts[:3] == ["v1", "checkout", "sessions"] and len(parts) == 4:
            session = self.sessions.get(parts[3])
            return (200, self._public(session)) if session else self._missing("checkout.session", parts[3])
        if method == "POST" and parts[:3] == ["v1", "checkout", "sessions"] and parts[4:] == ["expire"]:
            session = self.sessions.get(parts[3])
            if session is None:
                return self._missing("checkout.session", parts[3])
            if session["status"] != "open":
                return 400, {
                    "error": {
                        "type": "invalid_request_error",
                        "message": f"Only open sessions can be expired; this one is {session['status']}.",
                    }
                }
            session["status"] = "expired"
            return 200, self._public(session)
        if method == "POST" and parts == ["v1", "refunds"]:
            return self._create_refund(form)
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            intent = self.payment_intents.get(parts[2])
            return (200, dict(intent)) if intent else self._missing("payment_intent", parts[2])
        return 404, {
            "error": {"type": "invalid_request_error", "message": f"Unrecognized request URL {path}"}
        }

    def _create_session(self, form: dict) -> dict:
        number = next(self._counter)
        session_id = f"cs_test_{number:06d}"
        line_items = []
        index = 0
        while f"line_items[{index}][price_data][unit_amount]" in form:
            prefix = f"line_items[{index}]"
            line_items.append(
                {
                    "amount": int(form[f"{prefix}[price_data][unit_amount]"]),
                    "quantity": int(form.get(f"{prefix}[quantity]", "1")),
                    "currency": form[f"{prefix}[price_data][currency]"],
                    "name": form.get(f"{prefix}[price_data][product_data][name]", ""),
                }
            )
            index += 1
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form.get("mode"),
            "status": "open",
            "payment_status": "unpaid",
            "payment_intent": None,
            "url": f"https://checkout.stripe.test/c/pay/{session_id}",
            "amount_total": sum(line["amount"] * line["quantity"] for line in line_items),
            "currency": line_items[0]["currency"] if line_items else "vnd",
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "expires_at": int(form["expires_at"]) if "expires_at" in form else int(time.time()) + 86400,
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in form.items()
                if key.startswith("metadata[")
            },
            "_intent_metadata": {
                key[len("payment_intent_data[metadata][") : -1]: value
                for key, value in form.items()
                if key.startswith("payment_intent_data[metadata][")
            },
            "_line_items": line_items,
        }
        self.sessions[session_id] = session
        return self._public(session)

    def _create_refund(self, form: dict) -> tuple[int, dict]:
        intent = self.payment_intents.get(form.get("payment_intent", ""))
        if intent is None:
            return self._missing("payment_intent", form.get("payment_intent", ""))
        charge = self.charges[intent["latest_charge"]]
        amount = int(form.get("amount", charge["amount"] - charge["amount_refunded"]))
        if amount > charge["amount"] - charge["amount_refunded"]:
            return 400, {
                "error": {
                    "type": "invalid_request_error",
                    "code": "charge_already_refunded",
                    "message": "Refund amount is greater than unrefunded amount on charge",
                }
            }
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund_id = f"re_test_{next(self._counter)}"
        refund = {
            "id": refund_id,
            "object": "refund",
            "amount": amount,
            "currency": charge["currency"],
            "charge": charge["id"],
            "payment_intent": intent["id"],
            "status": "succeeded",
            "metadata": {
                key[len("metadata[") : -1]: value
                for key, value in form.items()
                if key.startswith("metadata[")
            },
        }
        self.refunds[refund_id] = refund
        return 200, dict(refund)

    def _charge_of(self, session: dict) -> dict:
        return self.charges[self.payment_intents[session["payment_intent"]]["latest_charge"]]

    @staticmethod
    def _public(session: dict) -> dict:
        return {key: value for key, value in session.items() if not key.startswith("_")}

    @staticmethod
    def _missing(kind: str, identifier: str) -> tuple[int, dict]:
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such {kind}: '{identifier}'",
            }
        }


def _handler_for(stub: StripeStub):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            form = dict(parse_qsl(body or query, keep_blank_values=True))
            status, payload = stub.handle(method, path, form, self.headers)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_stub_{len(stub.requests)}")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._answer("GET")

        def do_POST(self):
            self._answer("POST")

        def log_message(self, format, *args):  # keep test output clean
            return

    return Handler


class StripeStubServer:
    """Runs a :class:`StripeStub` on an ephemeral port of 127.0.0.1 in a background thread."""

    def __init__(self):
        self.stub = StripeStub()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self.stub))
        self.server.daemon_threads = True
        host, port = self.server.server_address[:2]
        self.stub.url = f"http://{host}:{port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-stub", daemon=True
        )

    def __enter__(self) -> StripeStub:
        self.thread.start()
        return self.stub

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
