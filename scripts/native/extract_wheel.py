"""Extract what tfjs-node's binding needs from a TensorFlow wheel (a zip file).

usage: python3 extract_wheel.py <wheel.whl> <out_dir>

Writes <out_dir>/libtensorflow_cc.so.2, <out_dir>/libtensorflow_framework.so.2
and <out_dir>/include/... (the C API headers and the few headers they include).
Standard library only; touches no Python environment.
"""
import shutil
import sys
import zipfile
from pathlib import Path

LIBS = ("libtensorflow_cc.so.2", "libtensorflow_framework.so.2")
INCLUDE = "tensorflow/include/"
# tensorflow/c/c_api.h and eager/c_api.h include these (found by preprocessing
# tfjs-node's binding/*.cc against the wheel's include tree).
HEADER_DIRS = ("tensorflow/c/", "xla/tsl/c/")
HEADER_FILES = (
    "tensorflow/core/platform/ctstring.h",
    "tensorflow/core/platform/ctstring_internal.h",
    "tsl/platform/ctstring.h",
    "tsl/platform/ctstring_internal.h",
)


def wanted(name: str) -> str | None:
    """The path under out_dir for a wheel member, or None to skip it."""
    if name.endswith("/"):
        return None
    for lib in LIBS:
        if name == "tensorflow/" + lib:
            return lib
    if name.startswith(INCLUDE):
        rel = name[len(INCLUDE):]
        if rel in HEADER_FILES or (rel.endswith(".h") and rel.startswith(HEADER_DIRS)):
            return "include/" + rel
    return None


def main() -> int:
    if len(sys.argv) != 3:
        print("extract_wheel.py: usage: extract_wheel.py <wheel.whl> <out_dir>", file=sys.stderr)
        return 2
    wheel, out = Path(sys.argv[1]), Path(sys.argv[2])
    found = set()
    with zipfile.ZipFile(wheel) as z:
        for info in z.infolist():
            rel = wanted(info.filename)
            if rel is None:
                continue
            dest = out / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            with z.open(info) as src, open(dest, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 22)
            found.add(rel)
    missing = [x for x in (*LIBS, *("include/" + h for h in HEADER_FILES),
                           "include/tensorflow/c/c_api.h", "include/tensorflow/c/eager/c_api.h")
               if x not in found]
    if missing:
        print(f"extract_wheel.py: {wheel.name} lacks {', '.join(missing)}", file=sys.stderr)
        return 1
    print(f"extract_wheel.py: {len(found)} files from {wheel.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
