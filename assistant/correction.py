"""A turn that corrects the previous question: what it takes back and what it means instead ('전남 말고 전북이요',
'nicht X, sondern Y', 'sorry, I meant the basic track', '아니요, 전북이요')."""

from __future__ import annotations

import re
from typing import NamedTuple

# What a correction corrects (x, may be missing) and what it means instead (y); '기다리지 말고' corrects nothing.
_CORRECTIONS = (
    re.compile(r"^(?P<x>.*[^\s지])\s*말고\b[\s,]*(?P<y>.*)$"),
    re.compile(r"\bnicht\s+(?P<x>.+?),?\s+sondern\s+(?P<y>.*)$", re.I),
    re.compile(r"^(?:(?P<x>.*?)[\s,.:;–-]*)?\b(?:I\s+mean[t]?|ich\s+meinte?)\b[\s,:]*(?P<y>.*)$", re.I),
    re.compile(r"^\s*아니(?:요|고)?[\s,]+(?P<y>.*)$"),
)
# Words opening a correction that are no part of what it corrects: '아니 그거 말고', 'no wait, I meant'.
_CORRECTION_OPENING = re.compile(
    r"^\s*(?:(?:아니(?:요|고)?|아|죄송(?:해요|합니다)?|미안(?:해요|합니다)?|no|nein|sorry|wait|not|nicht)(?:[\s,.]+|$))+", re.I
)
# A corrected thing named by pointing back: '그거 말고' is the previous question's subject.
POINTER = re.compile(r"^(?:그거|그건|그것|그게|이거|이건|that(?:\s+one)?|it|this|das)$", re.I)


class Correction(NamedTuple):
    """What a correcting turn takes back ('' when it does not say) and what it means instead."""

    corrected: str
    meant: str


def correction(text: str) -> Correction | None:
    """What a correcting turn takes back and means instead, or None for a turn that corrects nothing."""
    for pattern in _CORRECTIONS:
        found = pattern.search(text)
        if found and found["y"].strip():
            corrected = found.groupdict().get("x") or ""
            return Correction(_CORRECTION_OPENING.sub("", corrected).strip(), found["y"].strip())
    return None
