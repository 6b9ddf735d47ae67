"""The JSON API's one way of declaring an operation, and the OpenAPI document built from it.

Every route under /api is declared with `@operation(...)`, which records its
operationId, input and output models for the OpenAPI 3.1 document, and on each call:
requires a logged-in user (unless public), checks the CSRF header on state-changing
methods, and validates the JSON body, form fields and query string into pydantic
models passed to the view as `body=`, `form=` and `query=`.
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Annotated, Any, TypeVar, get_args, get_origin, overload

from flask import Blueprint, Flask, Response, current_app, jsonify, request, session
from flask_login import current_user
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import models_json_schema
from werkzeug.exceptions import NotFound as WerkzeugNotFound
from werkzeug.routing import IntegerConverter

from server.errors import (
    BadRequest,
    Forbidden,
    Invalid,
    NotAuthenticated,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from server.i18n import request_language

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
ERROR_SCHEMA = "Error"

bp = Blueprint("api", __name__, url_prefix="/api")

#: Largest id (PostgreSQL `integer`); larger ids in paths or bodies are refused, never stored.
MAX_ID = 2_147_483_647
#: An id in a request body or query.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: A counter in a query (seq numbers, cursors).
Counter = Annotated[int, Field(ge=0, le=2**53)]
#: A time in an answer, written as Python's ISO 8601 ("+00:00", as every time the API sends).
Timestamp = Annotated[
    datetime,
    PlainSerializer(lambda value: value.isoformat(), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


#: Fields kept exactly as typed: secrets, compared as they were set.
AS_TYPED = frozenset({"password", "token"})


def nfc(value: Any) -> Any:
    """Every string in `value` (and in its lists and mappings) in Unicode NFC, secrets apart.

    Vietnamese has two spellings of the same text, one character per letter with its marks
    (NFC) or a letter followed by combining marks (NFD: some keyboards and Mac file names).
    Kept as typed, "Nguyễn" would be two names: two candidates on one ballot, a search that
    misses, a sort out of order. Everything that comes in is made NFC once, here.
    """
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): v if k in AS_TYPED else nfc(v) for k, v in value.items()}
    return value


class Strict(BaseModel):
    """An input shape: a field it does not know is refused, never ignored; text in NFC."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _normalised(cls, data: Any) -> Any:
        return nfc(data)


@overload
def jsonable(value: BaseModel) -> dict[str, Any]: ...
@overload
def jsonable(value: BaseModel | None) -> dict[str, Any] | None: ...
@overload
def jsonable(value: Sequence[BaseModel]) -> list[dict[str, Any]]: ...


def jsonable(
    value: BaseModel | Sequence[BaseModel] | None,
) -> dict[str, Any] | list[dict[str, Any]] | None:
    """A response shape (or a list of them) as JSON-ready data, for events and files."""
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return [item.model_dump(mode="json") for item in value]


class BoundedIntConverter(IntegerConverter):
    """Flask's <int:...> for ids: one beyond what the database holds is not found (404).

    Longer numbers do not match at all; ten-digit ones above MAX_ID end the routing with
    404 here, before a query could overflow the column. (The converter's `max` would not
    do: Werkzeug then answers 405 when another method is routed at the same path.)
    """

    regex = r"\d{1,10}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise WerkzeugNotFound()
        return number


M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Operation:
    """What the OpenAPI document says about one route, and what the wrapper enforces."""

    operation_id: str
    summary: str
    tag: str
    body: type[Strict] | None = None
    form: type[Strict] | None = None
    files: tuple[str, ...] = ()
    query: type[Strict] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    produces: tuple[str, ...] = ()
    public: bool = False
    csrf: bool = True
    description: str | None = None
    #: The largest request body this operation reads, in bytes (None: MAX_BODY_BYTES).
    max_body: int | None = None


def operation(
    operation_id: str,
    summary: str,
    *,
    tag: str,
    body: type[Strict] | None = None,
    form: type[Strict] | None = None,
    files: Iterable[str] = (),
    query: type[Strict] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    produces: Iterable[str] = (),
    public: bool = False,
    csrf: bool = True,
    description: str | None = None,
    max_body: int | Callable[[], int] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API operation (see the module docstring)."""
    op = Operation(
        operation_id=operation_id,
        summary=summary,
        tag=tag,
        body=body,
        form=form,
        files=tuple(files),
        query=query,
        response=response,
        status=status,
        produces=tuple(produces),
        public=public,
        csrf=csrf,
        description=description,
        max_body=max_body if isinstance(max_body, int) else None,
    )
    body_limit = max_body if callable(max_body) else None

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(**path_args: Any) -> Any:
            # First of all, before anyone is even looked up: a body larger than the operation
            # reads is refused unread (a 30 MB login must cost nothing).
            limit_body(body_limit() if body_limit is not None else op.max_body)
            if not op.public and not current_user.is_authenticated:
                raise NotAuthenticated("not_authenticated")
            if op.csrf and request.method not in SAFE_METHODS:
                check_csrf()
            kwargs = dict(path_args)
            if op.body is not None:
                kwargs["body"] = parse_model(op.body, json_body())
            if op.form is not None:
                kwargs["form"] = parse_model(op.form, multidict_to_dict(op.form, request.form))
            if op.query is not None:
                kwargs["query"] = parse_model(op.query, multidict_to_dict(op.query, request.args))
            return render(op, view(**kwargs))

        wrapper.operation = op  # type: ignore[attr-defined]
        return wrapper

    return decorate


# --- Request side -----------------------------------------------------------------


def limit_body(limit: int | None) -> None:
    """Read at most `limit` bytes of this request's body (None: MAX_BODY_BYTES); 413 at once,
    unread, when its Content-Length says more."""
    if limit is None:
        limit = int(current_app.config["MAX_BODY_BYTES"])
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise PayloadTooLarge("body_too_large", limit_kb=max(1, limit // 1024))


def csrf_token() -> str:
    """The session's CSRF token, created on first use."""
    token = session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return str(token)


def check_csrf() -> None:
    expected = session.get("csrf")
    sent = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(str(expected).encode(), sent.encode()):
        raise Forbidden("csrf_failed")


def json_body() -> Any:
    if not request.is_json:
        raise UnsupportedMediaType("json_required")
    data = request.get_json(silent=True)
    if data is None:
        raise BadRequest("invalid_json")
    return data


def _is_list_field(model: type[BaseModel], name: str) -> bool:
    field = model.model_fields.get(name)
    if field is None:
        return False
    annotation = field.annotation
    if get_origin(annotation) is list:
        return True
    return any(get_origin(arg) is list for arg in get_args(annotation))


def multidict_to_dict(model: type[BaseModel], data: Any) -> dict[str, Any]:
    return {key: data.getlist(key) if _is_list_field(model, key) else data.get(key) for key in data}


_PYDANTIC_VI = {
    "missing": "bắt buộc",
    "string_too_short": "quá ngắn",
    "string_too_long": "quá dài",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "bool_parsing": "phải là true hoặc false",
    "bool_type": "phải là true hoặc false",
    "string_type": "phải là chuỗi ký tự",
    "literal_error": "không thuộc các giá trị cho phép",
    "enum": "không thuộc các giá trị cho phép",
    "greater_than_equal": "quá nhỏ",
    "greater_than": "quá nhỏ",
    "less_than_equal": "quá lớn",
    "less_than": "quá lớn",
    "extra_forbidden": "không được phép",
    "too_long": "có quá nhiều phần tử",
    "too_short": "có quá ít phần tử",
    "model_type": "phải là một đối tượng",
    "dict_type": "phải là một đối tượng",
    "list_type": "phải là một danh sách",
    "float_parsing": "phải là số",
    "float_type": "phải là số",
    "uuid_parsing": "phải là UUID",
    "uuid_type": "phải là UUID",
    "url_parsing": "không phải địa chỉ web hợp lệ",
    "url_scheme": "phải bắt đầu bằng http:// hoặc https://",
    "date_from_datetime_parsing": "phải là ngày (YYYY-MM-DD)",
    "date_parsing": "phải là ngày (YYYY-MM-DD)",
    "value_error": "không hợp lệ",
}


def validation_error(exc: ValidationError) -> Invalid:
    """A 422 whose message names each field and what is wrong with it."""
    lang = request_language()
    fields: dict[str, str] = {}
    for err in exc.errors(include_url=False, include_input=False):
        where = ".".join(str(p) for p in err["loc"]) or "body"
        if lang == "vi":
            what = _PYDANTIC_VI.get(err["type"], err["msg"])
            if err["type"] == "value_error" and err.get("ctx", {}).get("error"):
                what = str(err["ctx"]["error"])
        else:
            what = err["msg"]
        fields.setdefault(where, what)
    details = "; ".join(f"{k}: {v}" for k, v in fields.items())
    return Invalid("validation_error", data={"fields": fields}, details=details)


def parse_model(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None


# --- Response side ----------------------------------------------------------------


def render(op: Operation, result: Any) -> Any:
    """The view's answer as a response: a declared response model is the one way an answer
    is shaped (a plain dict for such an operation is a bug), a Response goes out as it is."""
    if isinstance(result, Response):
        return result
    status = op.status
    if isinstance(result, tuple):
        result, status = result
    if op.response is not None and not isinstance(result, op.response):
        raise TypeError(
            f"{op.operation_id} answered {type(result).__name__}, not {op.response.__name__}"
        )
    data = result.model_dump(mode="json") if isinstance(result, BaseModel) else result
    response = jsonify(data)
    response.status_code = status
    return response


# --- The OpenAPI document --------------------------------------------------------

_CONVERTER_SCHEMA = {
    "BoundedIntConverter": {"type": "integer", "minimum": 0, "maximum": MAX_ID},
    "UnicodeConverter": {"type": "string"},
    "UUIDConverter": {"type": "string", "format": "uuid"},
}


def api_rules(app: Flask) -> list[tuple[Any, Callable[..., Any]]]:
    """Every URL rule under /api with its view function."""
    return [
        (rule, app.view_functions[rule.endpoint])
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    ]


def undocumented_rules(app: Flask) -> list[str]:
    """Rules under /api that were not declared with @operation (a test keeps this empty)."""
    return [rule.rule for rule, view in api_rules(app) if not hasattr(view, "operation")]


def _openapi_path(rule: Any) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def build_openapi(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document for every declared operation."""
    entries = [
        (rule, view.operation) for rule, view in api_rules(app) if hasattr(view, "operation")
    ]
    models: list[tuple[type[BaseModel], Any]] = []
    for _, op in entries:
        for model in (op.body, op.form, op.query):
            if model is not None:
                models.append((model, "validation"))
        if op.response is not None:
            models.append((op.response, "serialization"))
    models = list(dict.fromkeys(models))
    refs, defs = models_json_schema(models, ref_template="#/components/schemas/{model}")
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas[ERROR_SCHEMA] = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    }

    paths: dict[str, dict[str, Any]] = {}
    for rule, op in sorted(entries, key=lambda e: e[0].rule):
        path = paths.setdefault(_openapi_path(rule), {})
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            path[method.lower()] = _operation_object(op, rule, method, refs, schemas)

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Council room API",
            "version": "1",
            "description": (
                "REST API of the paperless council room. Log in with `login`; every later "
                "state-changing request sends the `csrf_token` from the login answer in the "
                'X-CSRF-Token header. Errors are `{"error": {"code", "message"}}`.'
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": app.config["SESSION_COOKIE_NAME"],
                }
            },
        },
    }


def _query_parameters(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    return params


def _operation_object(
    op: Operation,
    rule: Any,
    method: str,
    refs: dict[Any, Any],
    schemas: dict[str, Any],
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": _CONVERTER_SCHEMA.get(converter, {"type": "string"}),
            }
        )
    if op.query is not None:
        query_schema = op.query.model_json_schema(ref_template="#/components/schemas/{model}")
        parameters.extend(_query_parameters(op.query, query_schema))
    if op.csrf and method not in SAFE_METHODS:
        parameters.append(
            {
                "name": CSRF_HEADER,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": "The csrf_token returned by login and getCurrentUser.",
            }
        )

    obj: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": parameters,
    }
    if op.description:
        obj["description"] = op.description
    if not op.public:
        obj["security"] = [{"session": []}]
    else:
        obj["security"] = [{}]

    if op.body is not None:
        obj["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    elif op.form is not None:
        form_schema = op.form.model_json_schema(ref_template="#/components/schemas/{model}")
        form_schema.pop("title", None)
        properties = dict(form_schema.get("properties", {}))
        for name in op.files:
            properties[name] = {"type": "string", "format": "binary"}
        obj["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": properties,
                        "required": form_schema.get("required", []),
                    }
                }
            },
        }

    responses: dict[str, Any] = {}
    if op.produces:
        # A JSON-based media type (application/ld+json) may give its schema in `response`.
        produced = (
            refs[(op.response, "serialization")]
            if op.response is not None
            else {"type": "string", "format": "binary"}
        )
        responses[str(op.status)] = {
            "description": "OK",
            # Other media types (a PDF beside JSON) are files.
            "content": {
                m: {
                    "schema": produced
                    if m.endswith("json")
                    else {"type": "string", "format": "binary"}
                }
                for m in op.produces
            },
        }
    elif op.response is not None:
        responses[str(op.status)] = {
            "description": "OK",
            "content": {"application/json": {"schema": refs[(op.response, "serialization")]}},
        }
    else:
        responses[str(op.status)] = {"description": "OK"}
    error = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}
    responses["4XX"] = {
        "description": "The request cannot be served; the message says why.",
        "content": error,
    }
    if op.files:
        responses["507"] = {
            "description": "`storage_full`: the server's disk is full; nothing was kept.",
            "content": error,
        }
    obj["responses"] = responses
    return obj


class OpenApiDocument(BaseModel):
    model_config = ConfigDict(extra="allow")

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


@bp.get("/openapi.json")
@operation(
    "getOpenApi",
    "The OpenAPI 3.1 description of this API",
    tag="meta",
    public=True,
    response=OpenApiDocument,
)
def openapi_document() -> OpenApiDocument:
    return OpenApiDocument.model_validate(build_openapi(current_app._get_current_object()))  # type: ignore[attr-defined]
