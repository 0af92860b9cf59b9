#!/usr/bin/env python3
"""A scripted model server for the real agent CLIs (Python 3 stdlib only).

    model_server.py SCRIPT PORT_FILE LOG

listens on 127.0.0.1, a port the system picks, written to PORT_FILE once it
listens. It speaks, streamed as server-sent events, the Anthropic Messages
API (Claude Code: ANTHROPIC_BASE_URL), the OpenAI Responses API (Codex: a
model provider's base_url) and Gemini's streamGenerateContent (Gemini CLI:
GOOGLE_GEMINI_BASE_URL), and answers from SCRIPT, a JSON file:

    {"turns": [{"tool": "Write", "input": {"file_path": "a.txt", "content": "a"}},
               {"tool": "Bash", "input": {"command": "git commit -am a"}},
               {"text": "done"}]}

Turn N answers a request whose conversation holds N model turns already,
so the server keeps no state and a CLI's retries get the same answer. Each
turn is one tool call or a final text; a request without tools (a title,
a summary) gets a short text. Every request is appended to LOG as one JSON
line {"path": ..., "body": ...}: tests look there for what the model saw
(a denial, say). Usage is reported with every answer (fixed token counts)."""
import json
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCRIPT, PORT_FILE, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
with open(SCRIPT, encoding="utf-8") as f:
    TURNS = json.load(f)["turns"]
LOG_LOCK = threading.Lock()
INPUT_TOKENS, OUTPUT_TOKENS = 100, 20


def turn(n):
    return TURNS[n] if n < len(TURNS) else {"text": "done"}


def instance(schema):
    """The smallest value a JSON schema (OpenAPI-style types too) allows."""
    kind = str(schema.get("type", "object")).lower()
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {k: instance(v) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    return "scripted"


def uid(prefix):
    return prefix + uuid.uuid4().hex[:24]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet: the LOG file is the record
        pass

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {"raw": raw.decode("utf-8", "replace")}
        with LOG_LOCK, open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"path": self.path, "body": data}) + "\n")
        return data

    def send_json(self, obj, status=200):
        raw = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def start_sse(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def sse(self, data, event=None):
        out = ""
        if event:
            out += "event: " + event + "\n"
        out += "data: " + json.dumps(data) + "\n\n"
        self.wfile.write(out.encode())
        self.wfile.flush()

    def do_GET(self):
        self.body()
        if "/models" in self.path:
            self.send_json({"data": [], "models": [], "object": "list"})
        else:
            self.send_json({})

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        data = self.body()
        path = self.path.split("?")[0]
        if path.endswith("/count_tokens"):
            self.send_json({"input_tokens": INPUT_TOKENS})
        elif path.endswith("/messages"):
            self.anthropic(data)
        elif path.endswith("/responses"):
            self.openai(data)
        elif ":countTokens" in path:
            self.send_json({"totalTokens": INPUT_TOKENS})
        elif ":streamGenerateContent" in path or ":generateContent" in path:
            self.gemini(data, stream=":streamGenerateContent" in path)
        else:
            self.send_json({})

    # --- Anthropic Messages -------------------------------------------
    def anthropic(self, data):
        n = sum(1 for m in data.get("messages", []) if m.get("role") == "assistant")
        t = turn(n) if data.get("tools") else {"text": "ok"}
        if "tool" in t:
            block = {"type": "tool_use", "id": uid("toolu_"), "name": t["tool"], "input": t["input"]}
            stop = "tool_use"
        else:
            block = {"type": "text", "text": t["text"]}
            stop = "end_turn"
        usage = {"input_tokens": INPUT_TOKENS, "output_tokens": OUTPUT_TOKENS,
                 "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0}
        message = {"id": uid("msg_"), "type": "message", "role": "assistant", "model": data.get("model", "m"),
                   "content": [block], "stop_reason": stop, "stop_sequence": None, "usage": usage}
        if not data.get("stream"):
            self.send_json(message)
            return
        self.start_sse()
        start = dict(message, content=[], stop_reason=None, usage=dict(usage, output_tokens=1))
        self.sse({"type": "message_start", "message": start}, "message_start")
        if block["type"] == "tool_use":
            self.sse({"type": "content_block_start", "index": 0, "content_block": dict(block, input={})},
                     "content_block_start")
            self.sse({"type": "content_block_delta", "index": 0,
                      "delta": {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}},
                     "content_block_delta")
        else:
            self.sse({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
                     "content_block_start")
            self.sse({"type": "content_block_delta", "index": 0,
                      "delta": {"type": "text_delta", "text": block["text"]}}, "content_block_delta")
        self.sse({"type": "content_block_stop", "index": 0}, "content_block_stop")
        self.sse({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                  "usage": {"output_tokens": OUTPUT_TOKENS}}, "message_delta")
        self.sse({"type": "message_stop"}, "message_stop")

    # --- OpenAI Responses ---------------------------------------------
    def openai(self, data):
        items = data.get("input", [])
        n = sum(1 for i in items if isinstance(i, dict) and i.get("type") in
                ("function_call", "custom_tool_call", "local_shell_call"))
        t = turn(n) if data.get("tools") else {"text": "ok"}
        rid = uid("resp_")
        if "tool" in t:
            args = t["input"] if isinstance(t["input"], str) else json.dumps(t["input"])
            item = {"type": "function_call", "id": uid("fc_"), "call_id": uid("call_"), "name": t["tool"],
                    "arguments": args, "status": "completed"}
            if t.get("custom"):
                item = {"type": "custom_tool_call", "id": uid("ctc_"), "call_id": uid("call_"), "name": t["tool"],
                        "input": t["input"], "status": "completed"}
        else:
            item = {"type": "message", "id": uid("msg_"), "role": "assistant", "status": "completed",
                    "content": [{"type": "output_text", "text": t["text"], "annotations": []}]}
        usage = {"input_tokens": INPUT_TOKENS, "input_tokens_details": {"cached_tokens": 0},
                 "output_tokens": OUTPUT_TOKENS, "output_tokens_details": {"reasoning_tokens": 0},
                 "total_tokens": INPUT_TOKENS + OUTPUT_TOKENS}
        response = {"id": rid, "object": "response", "status": "completed", "model": data.get("model", "m"),
                    "output": [item], "usage": usage}
        if not data.get("stream"):
            self.send_json(response)
            return
        self.start_sse()
        self.sse({"type": "response.created", "response": dict(response, status="in_progress", output=[])},
                 "response.created")
        self.sse({"type": "response.output_item.added", "output_index": 0, "item": item},
                 "response.output_item.added")
        if item["type"] == "message":
            self.sse({"type": "response.output_text.delta", "item_id": item["id"], "output_index": 0,
                      "content_index": 0, "delta": t["text"]}, "response.output_text.delta")
        self.sse({"type": "response.output_item.done", "output_index": 0, "item": item},
                 "response.output_item.done")
        self.sse({"type": "response.completed", "response": response}, "response.completed")

    # --- Gemini generateContent ----------------------------------------
    def gemini(self, data, stream):
        contents = data.get("contents", [])
        n = sum(1 for c in contents if c.get("role") == "model" and
                any("functionCall" in p for p in c.get("parts", [])))
        t = turn(n) if data.get("tools") else {"text": "ok"}
        config = data.get("generationConfig") or {}
        schema = config.get("responseJsonSchema") or config.get("responseSchema")
        if config.get("responseMimeType") == "application/json" and not data.get("tools"):
            # A side request wanting JSON (Gemini CLI's model router, say):
            # the smallest value its schema allows, or it retries for minutes.
            t = {"text": json.dumps(instance(schema or {}))}
        if "tool" in t:
            part = {"functionCall": {"name": t["tool"], "args": t["input"]}}
        else:
            part = {"text": t["text"]}
        answer = {"candidates": [{"content": {"role": "model", "parts": [part]}, "finishReason": "STOP",
                                  "index": 0}],
                  "usageMetadata": {"promptTokenCount": INPUT_TOKENS, "candidatesTokenCount": OUTPUT_TOKENS,
                                    "totalTokenCount": INPUT_TOKENS + OUTPUT_TOKENS},
                  "modelVersion": "scripted"}
        if not stream:
            self.send_json(answer)
            return
        self.start_sse()
        self.sse(answer)


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = PORT_FILE + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(tmp, PORT_FILE)
    server.serve_forever()


if __name__ == "__main__":
    main()
