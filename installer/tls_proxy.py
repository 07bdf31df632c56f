"""A TLS-terminating TCP proxy for the smoke test: HTTPS in front of the plain-HTTP sandbox.

    python3 installer/tls_proxy.py CERT KEY TARGET_HOST TARGET_PORT

Prints `READY <port>` once it listens on 127.0.0.1 (an ephemeral port). It lets the smoke test
check that the frozen build verifies HTTPS against the system's trust store: refused with an
unknown CA, accepted once the CA is trusted. Standard library only.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import sys


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        writer.close()


async def main(cert: str, key: str, host: str, port: int) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)

    async def handle(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        # The handshake is done here, not by start_server, so that a client refusing our
        # certificate is reported (the smoke test wants to see *why* a connection failed).
        try:
            await client_w.start_tls(context)
        except (ssl.SSLError, ConnectionError) as error:
            print(f"HANDSHAKE_FAILED {type(error).__name__}: {error!r}", flush=True)
            client_w.close()
            return
        try:
            upstream_r, upstream_w = await asyncio.open_connection(host, port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(pipe(client_r, upstream_w), pipe(upstream_r, client_w))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
