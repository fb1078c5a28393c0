"""Install the kq package built in place (make python-build) into the
site-packages of the Python running this: its venv's, else the user's
(site.getusersitepackages()).  Offline and without pip's wheel machinery
(a pyenv or venv Python may not have the `wheel` package): the files are
copied, and a kq-VERSION.dist-info (METADATA, INSTALLER, RECORD) is
written beside them so that `pip show kq` and `pip uninstall kq` know it.

usage: python install.py [--from BUILD-LIB] [SITE-PACKAGES]
  --from: where setup.py build_ext --build-lib put the extension (kq/_kq.*.so)
          for this Python (default: python/kq/, built in place)
"""
import base64
import hashlib
import os
import shutil
import site
import sys
import sysconfig

here = os.path.dirname(os.path.abspath(__file__))
args = sys.argv[1:]
ext_dir = here
if args[:1] == ["--from"]:
    ext_dir, args = args[1], args[2:]
pkg = os.path.join(here, "kq")
ext = sorted(f for f in os.listdir(os.path.join(ext_dir, "kq"))
             if f.startswith("_kq.") and f.endswith(".so"))
if not ext:
    raise SystemExit("python/install.py: no kq/_kq.*.so in %s: run "
                     "`make python-install`" % ext_dir)

if args:
    dest = args[0]
elif sys.prefix != sys.base_prefix:
    dest = sysconfig.get_paths()["platlib"]
else:
    dest = site.getusersitepackages()
src = {"kq/__init__.py": os.path.join(pkg, "__init__.py")}
for f in ext:
    src["kq/" + f] = os.path.join(ext_dir, "kq", f)
if os.path.exists(os.path.join(pkg, "kq", "kq-xapian.so")):
    src["kq/kq/kq-xapian.so"] = os.path.join(pkg, "kq", "kq-xapian.so")
files = sorted(src)
old = os.path.join(dest, "kq")
if os.path.isdir(old):
    shutil.rmtree(old)
record = []
for f in files:
    os.makedirs(os.path.join(dest, os.path.dirname(f)), exist_ok=True)
    shutil.copy2(src[f], os.path.join(dest, f))
    data = open(os.path.join(dest, f), "rb").read()
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    record.append("%s,sha256=%s,%d" % (f, h.decode(), len(data)))
sys.path.insert(0, dest)
import kq  # noqa: E402  (the installed copy: also checks that it loads)

info = "kq-%s.dist-info" % kq.__version__
for d in os.listdir(dest):
    if d.startswith("kq-") and d.endswith(".dist-info"):
        shutil.rmtree(os.path.join(dest, d))
os.makedirs(os.path.join(dest, info))
meta = {"METADATA": "Metadata-Version: 2.1\nName: kq\nVersion: %s\n"
                    "Summary: kq full-text search, in process (libkq)\n"
                    % kq.__version__,
        "INSTALLER": "kq-make\n"}
for name, text in meta.items():
    with open(os.path.join(dest, info, name), "w") as f:
        f.write(text)
    record.append("%s/%s,," % (info, name))
record.append("%s/RECORD,," % info)
with open(os.path.join(dest, info, "RECORD"), "w") as f:
    f.write("\n".join(record) + "\n")
print("installed kq %s into %s" % (kq.__version__, dest))
