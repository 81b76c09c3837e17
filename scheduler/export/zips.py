"""Zip archives whose files are compressed once, however many archives hold them.

Every file of a setting's download is also in ``all.zip``; :mod:`zipfile` would compress it
again for each archive, and start a compressor for every member (about a third of writing a
plan folder's calendars, ``bench/PROFILE.md``). Here each file is compressed once
(:func:`pack`, exactly as :mod:`zipfile` compresses a member: raw deflate at zlib's default
level), and an archive is laid out from the packed files with the headers :mod:`zipfile`
writes for them: the fixed timestamp :data:`ZIP_TIME`, mode 0644, no extra fields, no comment.
``tests/test_zips.py`` compares the bytes with :mod:`zipfile`'s on random files. An archive
beyond the classic format (a name outside ASCII, more than 65,535 files, 2 GiB) is left to
:mod:`zipfile`, which then writes what it always wrote.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

ZIP_TIME = (2000, 1, 1, 0, 0, 0)
"""Every member's timestamp: fixed, so the same plan gives the same zip bytes."""

MODE = 0o644 << 16
"""Members' external attributes: an ordinary file anyone may read, its owner write."""

_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header (APPNOTE 4.3.7)
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # central directory header (4.3.12)
_END = struct.Struct("<4s4H2LH")  # end of central directory (4.3.16)
_DEFLATED = zipfile.ZIP_DEFLATED
_INFO = zipfile.ZipInfo("member", date_time=ZIP_TIME)  # zipfile's own defaults for a member
_DOSDATE = (ZIP_TIME[0] - 1980) << 9 | ZIP_TIME[1] << 5 | ZIP_TIME[2]
_DOSTIME = ZIP_TIME[3] << 11 | ZIP_TIME[4] << 5 | ZIP_TIME[5] // 2
PACK_THREADS = 2
"""Files compressed at once (zlib lets go of the interpreter while it compresses)."""


@dataclass(frozen=True, slots=True)
class Packed:
    """A file compressed for a zip: its original size and CRC, and the deflated bytes."""

    data: bytes
    crc: int
    deflated: bytes


def pack(data: bytes) -> Packed:
    """``data`` compressed as :mod:`zipfile` compresses a member."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    return Packed(data, zlib.crc32(data), compressor.compress(data) + compressor.flush())


def pack_all(files: Mapping[str, bytes]) -> dict[str, Packed]:
    """Every file packed, by the same key (in :data:`PACK_THREADS` shares, one per thread)."""
    names = list(files)
    shares = [names[i::PACK_THREADS] for i in range(PACK_THREADS)]
    with ThreadPoolExecutor(PACK_THREADS) as pool:
        packed = pool.map(lambda share: [(n, pack(files[n])) for n in share], shares)
        out = dict(pair for share in packed for pair in share)
    return {name: out[name] for name in names}


def archive(members: Mapping[str, Packed]) -> bytes:
    """A zip of ``members`` (name in the archive → packed file), in name order: the bytes
    ``zipfile.ZipFile`` writes when each is added with ``writestr`` at :data:`ZIP_TIME`,
    deflated, mode 0644."""
    names = sorted(members)
    encoded = [_ascii(name) for name in names]
    limit = zipfile.ZIP64_LIMIT  # beyond these, zipfile writes ZIP64 records: left to it
    sizes_fit = all(len(m.data) * 1.05 <= limit for m in members.values())
    if None in encoded or len(names) > zipfile.ZIP_FILECOUNT_LIMIT or not sizes_fit:
        return _zipfile_archive(members)
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name, raw in zip(names, encoded, strict=True):
        assert raw is not None
        member = members[name]
        size, compressed = len(member.data), len(member.deflated)
        local = _LOCAL.pack(
            b"PK\x03\x04", _INFO.extract_version, _INFO.reserved, 0, _DEFLATED, _DOSTIME,
            _DOSDATE, member.crc, compressed, size, len(raw), 0,
        )  # fmt: skip
        out += (local, raw, member.deflated)
        entry = _CENTRAL.pack(
            b"PK\x01\x02", _INFO.create_version, _INFO.create_system, _INFO.extract_version,
            _INFO.reserved, 0, _DEFLATED, _DOSTIME, _DOSDATE, member.crc, compressed, size,
            len(raw), 0, 0, 0, 0, MODE, offset,
        )  # fmt: skip
        central += (entry, raw)
        offset += len(local) + len(raw) + compressed
    directory = b"".join(central)
    if offset + len(directory) > limit:
        return _zipfile_archive(members)
    end = _END.pack(b"PK\x05\x06", 0, 0, len(names), len(names), len(directory), offset, 0)
    return b"".join([*out, directory, end])


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """A zip of ``files`` (name → bytes), each compressed here."""
    return archive({name: pack(data) for name, data in files.items()})


def _ascii(name: str) -> bytes | None:
    try:
        return name.encode("ascii")
    except UnicodeEncodeError:
        return None  # zipfile would set the UTF-8 flag: left to it


def _zipfile_archive(members: Mapping[str, Packed]) -> bytes:
    """What zipfile writes for the same members (the format's large and non-ASCII cases)."""
    return _zipfile_bytes((name, members[name].data) for name in sorted(members))


def _zipfile_bytes(files: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = MODE
            zipped.writestr(info, data)
    return buffer.getvalue()
