"""Content-Encoding decoding with a hard cap on the decoded size.

httpx decodes a whole network chunk at once, so a 64 KiB gzip chunk of zeros becomes
~64 MiB in memory before any size check can run. Decoding ourselves with ``max_length``
keeps memory at the cap however high the compression ratio is.
"""

from __future__ import annotations

import zlib

SUPPORTED_ENCODINGS = "gzip, deflate"


class TooLarge(Exception):
    """The decoded body would exceed the cap."""


class UnsupportedEncoding(Exception):
    """The server used a Content-Encoding we did not offer."""


class BoundedDecoder:
    """Feed raw chunks, get decoded bytes; raises :class:`TooLarge` past ``limit``."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1:
            raise UnsupportedEncoding(f"stacked content encodings {content_encoding!r}")
        self.coding = codings[0] if codings else ""
        if self.coding not in ("", "gzip", "x-gzip", "deflate"):
            raise UnsupportedEncoding(f"unsupported content encoding {self.coding!r}")
        self.limit = limit
        self.total = 0
        self._first = True
        self._z = self._new_decompressor()

    def _new_decompressor(self):  # type: ignore[no-untyped-def]
        if self.coding in ("gzip", "x-gzip"):
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.coding == "deflate":
            return zlib.decompressobj(zlib.MAX_WBITS)
        return None

    def _room(self) -> int:
        return self.limit - self.total

    def _account(self, data: bytes) -> bytes:
        self.total += len(data)
        if self.total > self.limit:
            raise TooLarge(f"decoded body exceeds {self.limit} bytes")
        return data

    def feed(self, chunk: bytes) -> bytes:
        if self._z is None:
            return self._account(chunk)
        if self._first and self.coding == "deflate" and chunk:
            self._first = False
            try:  # servers send both zlib-wrapped and raw deflate under "deflate"
                probe = zlib.decompressobj(zlib.MAX_WBITS)
                probe.decompress(chunk[:64], 1)
            except zlib.error:
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
        out: list[bytes] = []
        data = chunk
        while data:
            piece = self._z.decompress(data, self._room() + 1)
            out.append(self._account(piece))
            data = self._z.unconsumed_tail
            if self._z.eof:
                rest = self._z.unused_data
                if rest and self.coding in ("gzip", "x-gzip") and rest.lstrip(b"\0"):
                    self._z = self._new_decompressor()  # concatenated gzip members
                    data = rest
                else:
                    break
        return b"".join(out)

    def flush(self) -> bytes:
        if self._z is None:
            return b""
        return self._account(self._z.flush())
