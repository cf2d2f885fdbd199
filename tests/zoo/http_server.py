#!/usr/bin/python3
# http_server.py: serves test files on 127.0.0.1 with HTTP Range, and misbehaves on request
#
# Copyright 2026 The Strata authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: http_server.py DIR LOG
# Prints the port on the first line of stdout, then serves until stdin closes.
#   /files/NAME    the file, honouring "Range: bytes=START-"
#   /break/NAME    the first request for NAME sends half the file and drops the connection
#   /norange/NAME  the file, ignoring Range (always 200 and the whole file)
# Every request is appended to LOG as "PATH RANGE" (RANGE "-" when there is none).

import http.server
import os
import socket
import sys
import threading

ROOT, LOG = sys.argv[1], sys.argv[2]
broken = set()
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_GET(self):
        parts = self.path.split('/', 2)
        mode, name = (parts[1], parts[2]) if len(parts) == 3 else ('', '')
        requested = self.headers.get('Range')
        with lock, open(LOG, 'a') as log:
            log.write('%s %s\n' % (self.path, requested or '-'))
        path = os.path.join(ROOT, os.path.basename(name))
        if mode not in ('files', 'break', 'norange') or not os.path.isfile(path):
            self.send_error(404)
            return
        with open(path, 'rb') as f:
            data = f.read()
        start = 0
        if requested and mode != 'norange' and requested.startswith('bytes='):
            start = int(requested[6:].split('-')[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header('Content-Range', 'bytes */%d' % len(data))
                self.send_header('Content-Length', '0')
                self.end_headers()
                return
            self.send_response(206)
            self.send_header('Content-Range', 'bytes %d-%d/%d' % (start, len(data) - 1,
                                                                  len(data)))
        else:
            self.send_response(200)
        self.send_header('Content-Length', str(len(data) - start))
        self.send_header('Accept-Ranges', 'bytes')
        self.end_headers()
        body = data[start:]
        with lock:
            first_break = mode == 'break' and name not in broken
            if first_break:
                broken.add(name)
        if first_break:
            self.wfile.write(body[:len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        self.wfile.write(body)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass        # clients that hang up (cancelled downloads) are expected here


server = Server(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
