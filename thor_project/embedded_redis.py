"""An embedded Redis-compatible server (fakeredis over TCP) for ``make run`` without Redis (SPEC §2).

``python -m thor_project.embedded_redis --port 6390`` serves until killed. It keeps everything in
memory; it is for trying Thor on one machine, not for production.
"""

from __future__ import annotations

import argparse

from fakeredis import TcpFakeServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = TcpFakeServer((args.host, args.port), server_type="redis")
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
