"""Bytes to text: byte-order marks, declared charsets, valid UTF-8, statistical detection, and the
one rule that calls a document binary.

News reaches us in UTF-16 from Windows tools and databases, in cp1251, cp1256, GB18030 or Latin-1
from older sites and scrapers; all of it is text. ``decode(data)`` picks the encoding in this
order, the first that applies winning:

1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE (``method="bom"``, confidence 1.0);
2. valid UTF-8 (``utf-8``, 1.0): pure ASCII is valid UTF-8, and real single-byte or CJK text is
   almost never valid UTF-8, so it outranks declarations (servers label UTF-8 pages ISO-8859-1);
3. a declared charset that decodes the bytes: the HTTP ``Content-Type`` of a WARC response
   (``http``), then, for HTML, the page's ``<meta charset>`` or ``http-equiv`` in its first
   4,096 bytes (``meta``), with the WHATWG aliases (ISO-8859-1 and ASCII read as cp1252, GB2312
   and GBK as GB18030, ...), each 1.0;
4. UTF-16 or UTF-32 without a mark, told by where its NUL bytes fall (``nul-pattern``, 0.9;
   checked before UTF-8, which NUL bytes do not invalidate);
5. charset-normalizer over the encodings news is written in (``detected``), its confidence the
   detector's cleanliness of the decoded text (1 - its "chaos" ratio), halved when a rival
   encoding decodes the bytes to other text about as cleanly (a short Latin-1 text reads as
   cp1250 too).

**The binary rule.** Once decoded, a document is binary (EC002) when its first 8,192 characters
hold a NUL character (U+0000) or are more than 30% control characters other than tab, line feed,
vertical tab, form feed, carriage return and escape (C0, DEL and C1 controls). Binary files show
it at once; a stray NUL deep in a long page does not refuse the page.
Bytes with NULs that no byte-order mark or UTF-16/32 pattern explains are binary without further
ado. Bytes no encoding decodes at all fail with EC081. A few control characters in a text, in any
script, never make it binary; cleaning them is ``sanitize``'s job, after decoding.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..records import TextEncoding

__all__ = ["SNIFF_BYTES", "Decoded", "NotText", "binary_reason", "codec_name", "decode", "text_lines"]

SNIFF_BYTES = 8192  # the head read to sniff a stream (JSONL) and the characters the control rule counts
_CONTROL_SHARE = 0.30
_META_BYTES = 4096
_NUL_PATTERN_CONFIDENCE = 0.9
_BOMS = (  # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# what news is written in, in the order ties are broken (the most common first); UTF-8 and
# UTF-16/32 are settled before the detector runs
_CANDIDATES = (
    "cp1252", "cp1251", "cp1256", "gb18030", "cp1250", "koi8_r", "cp1253", "cp1254", "cp1255",
    "cp1257", "cp1258", "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_8", "iso8859_15", "koi8_u",
    "mac_cyrillic", "big5", "shift_jis", "euc_jp", "cp949", "cp874",
)
# WHATWG Encoding Standard labels whose decoders are supersets of what they name
_WHATWG = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
           "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
           "tis-620": "cp874", "iso8859-11": "cp874"}
_META = re.compile(rb"<meta\b[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]{1,40})", re.IGNORECASE)
_NON_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: TextEncoding


@dataclass(frozen=True, slots=True)
class NotText:
    """Why bytes are not a document: ``EC002`` (binary by the rule above) or ``EC081`` (no
    encoding decodes them); ``detail`` is written for the user."""

    code: str
    detail: str


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label (an HTTP or ``<meta>`` one), WHATWG aliases applied;
    None when Python knows no such codec."""
    if not label or not label.strip():
        return None
    try:
        name = codecs.lookup(label.strip().strip("'\"")).name
    except LookupError:
        return None
    return _WHATWG.get(name, name)


def _strict(data: bytes, codec: str, final: bool) -> str | None:
    """``data`` decoded strictly, or None; with ``final=False`` a character cut at the end (a
    read limit, a sniffed head) is left out rather than counted as an error."""
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(data, final=final)
    except (UnicodeDecodeError, LookupError):
        return None


def _nul_pattern(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, from where NUL bytes fall: Latin-script text in
    UTF-16 LE has a NUL after most characters and almost never before; UTF-32 has two per character
    in the BMP."""
    sample = data[:SNIFF_BYTES]
    quads = len(sample) // 4
    if quads < 2:
        return None
    zeros = [sample[i : quads * 4 : 4].count(0) / quads for i in range(4)]
    if zeros[3] == 1.0 and zeros[2] >= 0.9 and zeros[0] < 0.5:
        return "utf-32-le"
    if zeros[0] == 1.0 and zeros[1] >= 0.9 and zeros[3] < 0.5:
        return "utf-32-be"
    odd, even = (zeros[1] + zeros[3]) / 2, (zeros[0] + zeros[2]) / 2
    if odd >= 0.3 and even <= 0.05:
        return "utf-16-le"
    if even >= 0.3 and odd <= 0.05:
        return "utf-16-be"
    return None


def _detect(data: bytes, final: bool) -> Decoded | None:
    """charset-normalizer among ``_CANDIDATES``: the cleanest decoding (least "chaos"), then the
    best language fit ("coherence"), then the more common encoding."""
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data, cp_isolation=list(_CANDIDATES)))
    if not matches:
        return None
    rank = {name: i for i, name in enumerate(_CANDIDATES)}

    def key(m: object) -> tuple[float, float, int]:
        return (round(m.chaos, 2), -round(m.coherence, 2), rank.get(m.encoding, len(rank)))  # type: ignore[attr-defined]

    matches.sort(key=key)
    best = matches[0]
    text = _strict(data, best.encoding, final)
    if text is None:
        return None
    head = data[:SNIFF_BYTES]
    mine = _strict(head, best.encoding, False)
    rivals = [m.chaos for m in matches[1:] if _strict(head, m.encoding, False) != mine]
    gap = min(rivals) - best.chaos if rivals else 1.0
    confidence = (1.0 - best.chaos) * (0.5 + 0.5 * min(1.0, max(gap, 0.0) / 0.1))
    return Decoded(text, TextEncoding(codec_name(best.encoding) or best.encoding, round(confidence, 3),
                                      "detected"))


def _binary(text: str) -> str | None:
    """The binary rule on decoded text (see the module's docstring), or None for text."""
    head = text[:SNIFF_BYTES]
    if "\x00" in head:
        return "contains NUL bytes"
    controls = len(_NON_TEXT.findall(head))
    if head and controls / len(head) > _CONTROL_SHARE:
        return f"{controls / len(head):.0%} control characters"
    return None


def decode(data: bytes, *, declared: str | None = None, html: bool = False,
           final: bool = True) -> Decoded | NotText:
    """``data`` as text with the encoding chosen as the module's docstring says, or why not.

    ``declared`` is a charset label from outside the bytes (an HTTP ``Content-Type``); ``html``
    also reads the page's ``<meta>`` declaration; ``final=False`` for a head cut from a longer
    stream (a character cut at its end is dropped, not an error).
    """
    found: Decoded | None = None
    for mark, codec in _BOMS:
        if data.startswith(mark):
            text = _strict(data[len(mark):], codec, final)
            if text is None:
                return NotText("EC081", f"invalid {codec.upper()} after its byte-order mark")
            found = Decoded(text, TextEncoding(codec, 1.0, "bom"))
            break
    if found is None and b"\x00" in data[:SNIFF_BYTES]:
        wide = _nul_pattern(data)
        utf16 = _strict(data, wide, final) if wide else None
        if wide is None or utf16 is None:
            return NotText("EC002", "contains NUL bytes")
        found = Decoded(utf16, TextEncoding(wide, _NUL_PATTERN_CONFIDENCE, "nul-pattern"))
    if found is None and (utf8 := _strict(data, "utf-8", final)) is not None:
        found = Decoded(utf8, TextEncoding("utf-8", 1.0, "utf-8"))
    if found is None:
        labels = [(declared, "http")]
        if html and (m := _META.search(data[:_META_BYTES])):
            labels.append((m.group(1).decode("ascii"), "meta"))
        for label, method in labels:
            named = codec_name(label)
            if named is None or (method == "meta" and named.startswith(("utf-16", "utf-32"))):
                continue  # a <meta> cannot name UTF-16: it was read as ASCII-compatible bytes
            if (declared_text := _strict(data, named, final)) is not None:
                found = Decoded(declared_text, TextEncoding(named, 1.0, method))
                break
    if found is None:
        found = _detect(data, final)
        if found is None:
            return NotText("EC081", "no text encoding fits its bytes")
    reason = _binary(found.text)
    return NotText("EC002", reason) if reason else found


def binary_reason(head: bytes) -> str | None:
    """Why the first bytes of a document are binary by the rule above, or None (also when they
    are text in no encoding we can tell: that is EC081, not binary)."""
    result = decode(head[:SNIFF_BYTES], final=False)
    return result.detail if isinstance(result, NotText) and result.code == "EC002" else None


def text_lines(chunks: Iterable[bytes], codec: str) -> Iterator[str]:
    """The lines (newlines kept) of a stream of byte chunks in ``codec``, decoded incrementally: for
    UTF-16/32 JSONL, whose newline is not the byte 0x0A. A byte the codec cannot decode raises
    ``UnicodeDecodeError`` from the iteration."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    rest = ""
    for chunk in chunks:
        rest += decoder.decode(chunk)
        if "\n" in rest:
            *lines, rest = rest.split("\n")
            for line in lines:
                yield line + "\n"
    rest += decoder.decode(b"", final=True)
    if rest:
        yield rest
