"""What the chunk store raises when its folder or server refuses: clear errors in Korean and English."""

from __future__ import annotations

import errno
from pathlib import Path


class IndexNotWritable(RuntimeError):
    """The index folder cannot be written: read-only, without permission, or its disk is full. The message names the
    folder and what to do, in Korean (ko) and English (en). What was complete before stays complete."""

    def __init__(self, ko: str, en: str) -> None:
        super().__init__(f"{ko} / {en}")
        self.ko, self.en = ko, en


def not_writable(folder: Path, exc: BaseException) -> IndexNotWritable | None:
    """The clear error for a write the index folder's file system refused; None for any other failure."""
    text, code = str(exc).lower(), getattr(exc, "errno", None)
    if code == errno.ENOSPC or "disk is full" in text or "no space left" in text:
        return IndexNotWritable(
            f"색인 폴더 {folder}의 디스크가 가득 찼습니다. 공간을 비운 뒤 다시 색인하세요(완성된 문서는 그대로 답합니다).",
            f"the disk of the index folder {folder} is full; free some space and ingest again (documents already "
            "complete still answer).",
        )
    if (code in {errno.EROFS, errno.EACCES, errno.EPERM} or "readonly database" in text
            or "read-only file system" in text or "permission denied" in text):
        return IndexNotWritable(
            f"색인 폴더 {folder}에 쓸 수 없습니다(읽기 전용이거나 권한이 없습니다). 쓸 수 있는 폴더를 지정하세요.",
            f"the index folder {folder} cannot be written (read-only or no permission); Chroma writes to it even to "
            "read, so give a writable folder.",
        )
    return None


class StoreUnavailable(RuntimeError):
    """The Chroma server cannot be reached; the message says so in Korean and English. Calls work again once it is
    back: nothing is cached in a broken state."""
