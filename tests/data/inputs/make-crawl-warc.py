# Writes crawl.warc (run it in this directory: python3 make-crawl-warc.py):
# WARC/1.0 and 1.1 records framed by Content-Length, which is why the file
# is generated rather than typed; the last record is cut short on purpose.
import itertools
serial = itertools.count(1)

def rec(version, wtype, uri, date, ctype, block, extra=""):
    block = block.encode() if isinstance(block, str) else block
    h = (f"{version}\r\nWARC-Type: {wtype}\r\n"
         + (f"WARC-Target-URI: {uri}\r\n" if uri else "")
         + f"WARC-Date: {date}\r\n"
         f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{next(serial):012d}>\r\n"
         f"Content-Type: {ctype}\r\n{extra}"
         f"Content-Length: {len(block)}\r\n\r\n")
    return h.encode() + block + b"\r\n\r\n"

info = "software: kq test fixture\r\nformat: WARC File Format 1.0\r\n"
html = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Quokka Island &amp; Its Visitors</title>
<style>body { font-family: serif; } .wombat { color: red; }</style>
<script>var wombat = "<p>not text</p>"; document.write(wombat);</script>
</head>
<body><h1>Quokka&nbsp;news</h1>
<p>The quokka population on the island grew &mdash; rangers said &quot;steadily&quot;.</p>
<noscript>Please enable numbat scripts.</noscript>
<ul><li>Caf&eacute; open</li><li>Ferry &#8220;daily&#8221; &#x2014; weather permitting</li></ul>
<!-- a comment about wombat -->
</body></html>
"""
http_html = ("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
             f"Content-Length: {len(html.encode())}\r\n\r\n" + html)
latin = "Plain text about a platypus in Zürich, café prices.\n".encode("latin-1")
http_text = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=ISO-8859-1\r\n"
             + f"Content-Length: {len(latin)}\r\n\r\n".encode() + latin)
http_404 = "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html><title>Missing</title>echidna</html>"
resource = "<html><head><title>Bilby Report</title></head><body><p>A resource record about a bilby.</p></body></html>"
req = "GET /quokka HTTP/1.1\r\nHost: news.example.org\r\n\r\n"

out = b""
out += rec("WARC/1.0", "warcinfo", None, "2024-03-01T10:00:00Z", "application/warc-fields", info)
out += rec("WARC/1.0", "request", "http://news.example.org/quokka", "2024-03-01T10:00:01Z", "application/http; msgtype=request", req)
out += rec("WARC/1.0", "response", "http://news.example.org/quokka", "2024-03-01T10:00:02Z", "application/http; msgtype=response", http_html)
out += rec("WARC/1.1", "response", "https://User@Blog.Example.COM:8443/platypus?x=1", "2024-03-02T11:30:00Z", "application/http; msgtype=response", http_text)
out += rec("WARC/1.1", "response", "http://news.example.org/missing", "2024-03-02T11:31:00Z", "application/http; msgtype=response", http_404)
out += rec("WARC/1.1", "resource", "http://archive.example.net/bilby.html", "2024-03-03T08:00:00Z", "text/html", resource)
# a last record whose Content-Length promises more than the file holds
trunc = rec("WARC/1.1", "response", "http://news.example.org/truncated", "2024-03-04T09:00:00Z", "application/http; msgtype=response",
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nThis kangaroo record is cut short " + "x" * 200)
out += trunc[:len(trunc) - 150]
open("crawl.warc", "wb").write(out)
