"""Build the kq package: kq/__init__.py and the extension kq._kq over
libkq.  The library comes from this source tree, compiled position-
independent into build/libkq_pic.a; libstemmer, utf8proc, libdeflate and libzstd go
into the extension statically, as into libkq.so, so the package needs no
installed kq.  `make python-install` makes the library, builds the
extension in place with this file and installs it with install.py.
"""
import os
import re

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
B = os.environ.get("KQ_BUILD", os.path.join(ROOT, "build"))
PIC_LIB = os.path.join(B, "libkq_pic.a")
if not os.path.exists(PIC_LIB):
    raise SystemExit("python/setup.py: no %s: run `make python-install` (or "
                     "`make build/libkq_pic.a` first)" % PIC_LIB)
# KQ_SANITIZE=1: the extension under ASan + UBSan, over the library of an
# ASan build (make python-check-san).
SAN = (["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
       if os.environ.get("KQ_SANITIZE") == "1" else [])
with open(os.path.join(ROOT, "common", "kq.h")) as f:
    version = re.search(r'#define KQ_VERSION "([^"]+)"', f.read()).group(1)

setup(
    name="kq",
    version=version,
    description="kq full-text search for researchers, in process (libkq)",
    packages=["kq"],
    package_data={"kq": ["kq/kq-xapian.so"]},
    ext_modules=[Extension(
        "kq._kq",
        sources=["kq/_kq.c"],
        # (rebuilt when the library changes, not only the source)
        depends=[PIC_LIB, os.path.join(ROOT, "common", "kq.h")],
        include_dirs=[os.path.join(ROOT, "common")],
        extra_compile_args=["-std=c11", "-Wall", "-Wextra"] + SAN,
        extra_objects=[PIC_LIB],
        extra_link_args=SAN + ["-Wl,--exclude-libs,ALL", "-Wl,-Bstatic",
                         "-lstemmer", "-lutf8proc", "-ldeflate", "-lzstd",
                         "-Wl,-Bdynamic", "-lm", "-pthread", "-ldl"],
    )],
)
