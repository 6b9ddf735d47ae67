"""A PDF worker process: `python -m server.pdf.worker --memory-mb N`.

Started by server.pdf.pool as a fresh interpreter (never a fork of the server, which may
be monkey-patched by gevent). It reads one JSON request per line on stdin and answers
on stdout with JSON lines for the same id: any number of messages
({"id", "message": {...}}) then one final answer ({"id", "ok": true, "result"} or
{"id", "ok": false, "error": {"code", "params"}}). It never touches the database.

Its address space is limited (RLIMIT_AS), so a decompression bomb fails here, not in
the server; the pool kills and replaces a worker that overruns its time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import IO, Any

from server.pdf import annotate, compose, pipeline
from server.pdf.files import STORAGE_FULL, disk_full


def _die_with_parent() -> None:
    """End this worker when the server that started it is gone (even after a SIGKILL).

    A watcher thread notices the worker being handed to another parent. (Linux's
    PR_SET_PDEATHSIG would fire when the *thread* that started the worker ends, which in
    threading mode is any request thread.)
    """
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    limit = megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _op_probe(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    return pipeline.probe(Path(args["path"]), pipeline.Limits.from_dict(args.get("limits")))


def _op_process(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    thumbs = args.get("thumbnails")
    return pipeline.process(
        Path(args["path"]),
        Path(args["pdf_dir"]),
        pipeline.Limits.from_dict(args.get("limits")),
        emit,
        pipeline.Thumbnails(
            directory=str(thumbs["directory"]),
            pattern=thumbs["pattern"],
            width=int(thumbs["width"]),
            fmt=thumbs["fmt"],
        )
        if thumbs
        else None,
    )


def _op_thumbnails(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    return pipeline.thumbnails(
        Path(args["pdf"]),
        pipeline.Thumbnails(
            directory=str(args["directory"]),
            pattern=str(args["pattern"]),
            width=int(args["width"]),
            fmt=str(args["fmt"]),
        ),
        pipeline.Limits.from_dict(args.get("limits")),
    )


def _op_render(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    return pipeline.render(
        Path(args["pdf"]),
        int(args["page"]),
        int(args["width"]),
        str(args["fmt"]),
        Path(args["out"]),
        pipeline.Limits.from_dict(args.get("limits")),
        watermark=args.get("watermark"),
        photo=bool(args.get("photo")),
    )


def _op_ocr(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    return pipeline.ocr(
        Path(args["pdf"]),
        int(args["page"]),
        str(args["tessdata"]),
        str(args["language"]),
        int(args["dpi"]),
        float(args["timeout"]),
    )


def _op_ping(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    return {"pid": os.getpid()}


def _op_sleep(args: dict[str, Any], emit: pipeline.Emit) -> dict[str, Any]:
    """For tests of the pool: hang (or allocate) as asked."""

    if args.get("allocate_mb"):
        blob = bytearray(int(args["allocate_mb"]) * 1024 * 1024)
        return {"allocated": len(blob)}
    if args.get("crash"):
        os._exit(3)
    time.sleep(float(args.get("seconds", 0)))
    return {"slept": True}


OPERATIONS = {
    "probe": _op_probe,
    "process": _op_process,
    "render": _op_render,
    "thumbnails": _op_thumbnails,
    "ocr": _op_ocr,
    "ping": _op_ping,
    "sleep": _op_sleep,
}
OPERATIONS.update(annotate.OPERATIONS)
OPERATIONS.update(compose.OPERATIONS)


def serve(requests: IO[str], answers: IO[str]) -> None:
    def send(message: dict[str, Any]) -> None:
        answers.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
        answers.flush()

    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        request_id = request.get("id")

        def emit(message: dict[str, Any], request_id: Any = request_id) -> None:
            send({"id": request_id, "message": message})

        try:
            operation = OPERATIONS[request["op"]]
            result = operation(request.get("args") or {}, emit)
        except pipeline.PdfProblem as problem:
            send(
                {
                    "id": request_id,
                    "ok": False,
                    "error": {"code": problem.code, "params": problem.params},
                }
            )
        except MemoryError:
            send(
                {
                    "id": request_id,
                    "ok": False,
                    "error": {"code": "document_too_complex", "params": {}},
                }
            )
            # The heap may be in a poor state: leave, the pool starts a fresh worker.
            sys.exit(2)
        except Exception as exc:
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            if disk_full(exc):
                # A file it writes found the disk full: nothing wrong with the document.
                code = STORAGE_FULL
            elif "malloc" in detail or "memory" in detail.lower():
                code = "document_too_complex"
            else:
                code = "pdf_failed"
            send(
                {
                    "id": request_id,
                    "ok": False,
                    "error": {"code": code, "params": {}, "detail": detail[:500]},
                }
            )
        else:
            send({"id": request_id, "ok": True, "result": result})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory-mb", type=int, default=0)
    parser.add_argument("--nice", type=int, default=0)
    options = parser.parse_args(argv)
    if options.nice > 0:
        os.nice(options.nice)
    _die_with_parent()
    _limit_memory(options.memory_mb)
    # Answers go to a private copy of stdout; anything else printed (a library's warning)
    # lands on stderr and cannot corrupt the protocol.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = open(sys.stdin.fileno(), encoding="utf-8", closefd=False)  # noqa: SIM115
    serve(requests, answers)


if __name__ == "__main__":
    main()
