"""A real HTTP server on loopback that answers from a script, for testing gateway HTTP behaviour.

``with ScriptedServer((503, b""), (200, b"ok")) as server:`` serves on ``server.url``, answers
each request with the next scripted answer (the last one repeats) and records every request
in ``server.requests`` as ``(method, path, headers, body)``. An answer may also be ``DROP``
(read the request, close the connection without answering) or ``("sleep", seconds)`` (answer
200 only after that long).
"""

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DROP = "drop"


def closed_port_url():
    """A loopback URL nobody listens on (connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (timed out) while an answer was written is expected here."""


class ScriptedServer:
    """A threaded loopback HTTP server playing a list of answers."""

    def __init__(self, *answers):
        self.answers = list(answers) or [(200, b"")]
        self.requests = []
        self._lock = threading.Lock()

    def next_answer(self):
        """The answer to the next request (the last scripted one repeats)."""
        with self._lock:
            return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]

    def __enter__(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.requests.append((self.command, self.path, dict(self.headers), body))
                answer = server.next_answer()
                if answer == DROP:
                    self.close_connection = True
                    return
                if answer[0] == "sleep":
                    time.sleep(answer[1])
                    answer = (200, b"late")
                status, content = answer
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(content)))
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.end_headers()
                self.wfile.write(content)

            do_POST = do_GET

            def log_message(self, format, *args):
                """Keep the test output quiet."""

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.httpd.shutdown()
        self.httpd.server_close()
