#!/usr/bin/env bash
# tests/damage-sweep.sh -- truncate and flip bytes in every file of an index
# and check that kq notices or is not affected.
#
#   tests/damage-sweep.sh [OPTIONS]              a fresh index, swept; the long run
#   tests/damage-sweep.sh prepare WORKDIR        build WORKDIR/ref/idx and the
#                                                reference outputs, then exit
#   tests/damage-sweep.sh run WORKDIR [OPTIONS]  sweep a prepared WORKDIR
#   tests/damage-sweep.sh cases WORKDIR [OPTIONS]  list the cases, run nothing
#   tests/damage-sweep.sh report WORKDIR         the report of the last run again
#   tests/damage-sweep.sh damage FILE truncate|flip OFFSET [MASK]
#                                                damage FILE in place (to
#                                                reproduce one case by hand)
#
# The index is corpus/ in two kq-index runs (two segments: the first half of
# the files, then the rest), then corpus/0003.txt deleted (a .del file).  The damaged files are all the regular files of
# the index directory except kq.lock, whatever their kinds.  For each file:
#   truncate: at 0, 1, 15, 16, 17, size/2, size-1 and N seeded offsets (one
#             in each of N equal strata of the file);
#   flip:     XOR 0xff at bytes 0..20 and the last 8 bytes, XOR a seeded
#             nonzero mask at 2N seeded offsets (one per stratum);
#   files of at most -a SIZE bytes get every offset instead, both kinds.
# Every case is a copy of the intact index with one file damaged, and every
# command of the list below runs on it with a 20 s limit (a watchdog that
# acts like `timeout -k 5 20`; $KQ_DAMAGE_TIMEOUT).  A case passes if
# no command is killed by a signal or the timeout or prints a sanitizer
# report, and every command either exits 4 naming the damaged file (its
# basename, as a word) on stderr or, for a query, exits as on the intact index with
# byte-identical stdout and stderr; `kq --check` must exit 4 (every case
# changes the file's bytes).  Cases are counted as
#   detected:         passed, and at least one query exited 4;
#   unchanged-output: passed, every query answered as on the intact index;
#   failed:           some command did not pass;
# and the run ends with the list of every failing command, a summary by
# file, kind, command and outcome, and the line
#   N cases, N detected, N unchanged-output, N failed
# Exit status: 0 nothing failed, 1 some case failed, 2 usage, 3 setup error.
#
# Options (defaults from the environment):
#   -b DIR     kq and kq-index ($KQ_BIN, else the repository root)
#   -n N       seeded offsets per file: N truncations, 2N flips
#              ($KQ_DAMAGE_CASES, else 50)
#   -a SIZE    every offset of the files of at most SIZE bytes
#              ($KQ_DAMAGE_ALL, else 2048; 0: none)
#   -k KINDS   truncate,flip (default both)
#   -f ERE     only the files whose name matches ERE
#   -s SEED    seed of the offsets and masks ($KQ_DAMAGE_SEED, else 1)
#   -e K       only every K-th case of the list, a fixed sample (default 1)
#   -j JOBS    cases run in parallel ($KQ_DAMAGE_JOBS, else the CPUs)
#   -w DIR     work directory of the one-shot form (default: a temporary
#              directory, removed at the end unless something failed)
#   -q         no list of failing commands, only the summary
#   -x         a Xapian database (kq-index --backend=xapian) instead: see
#              CMDS_XAPIAN below for its commands and what passes
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
unset KQ_INDEX

# The commands run on every damaged copy, as kq arguments after -d idx
# (shell-quoted; run from the directory holding idx).  All but the last are
# queries: a single term, an AND of three with NOT, a ranked top-5 OR,
# phrases or prefixes, and every word of the dictionary (a* OR ... 9*:
# every posting list is read and every document matches, so any change in
# them shows in the scores, and every document's snippet is made from the
# stored text); ids, titles, scores and snippets in the JSON; one in the
# human format, one count; fields, NEAR and =word (which reads the stored
# text of every candidate).  Each touches both segments.  The last must be
# --check.
CMDS=(
    "--json -n 100 oil"
    "--json -n 100 'trade AND year AND said NOT gulf'"
    "--json -n 5 'oil OR gulf OR bank OR dollar'"
    "--json -n 100 '\"central bank\" OR \"prime minister\" OR peace* OR minist*'"
    "--json -n 100 'a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR j* OR k* OR l* OR m* OR n* OR o* OR p* OR q* OR r* OR s* OR t* OR u* OR v* OR w* OR x* OR y* OR z* OR 0* OR 1* OR 2* OR 3* OR 4* OR 5* OR 6* OR 7* OR 8* OR 9*'"
    "--color=never -n 5 '(oil OR dollar) AND NOT gulf'"
    "-c 'said OR year*'"
    "--json -n 100 --no-snippets '=said OR title:oil OR body:bank OR oil NEAR/3 price'"
    "--check"
)
NCMD=${#CMDS[@]}
NQ=$((NCMD - 1))     # the queries come first; CMDS[NQ], if any, is --check
TIMEOUT=${KQ_DAMAGE_TIMEOUT:-20}
backend=native

# -x: a Xapian (glass) database instead (kq-index --backend=xapian, the
# same two runs, no deletion: rm is native only).  The queries are those
# above that a Xapian database answers (no =word, no body:), and there is
# no --check (xapian-check's business).  Glass keeps no checksums, so a
# flipped byte in a posting, a position or a stored text can change an
# answer without any way to notice it: in this mode such a case is counted
# as undetected-change, not failed.  What must hold: no crash, hang or
# sanitizer report; exit 4 naming the damaged file (DIR/postlist.glass),
# or 3 naming it for a damaged format version in iamglass (Xapian cannot
# tell it from a database of another version); or the intact answer.  The
# damaged files are every regular file but flintlock (Xapian's lock).
CMDS_XAPIAN=(
    "--json -n 100 oil"
    "--json -n 100 'trade AND year AND said NOT gulf'"
    "--json -n 5 'oil OR gulf OR bank OR dollar'"
    "--json -n 100 '\"central bank\" OR \"prime minister\" OR peace* OR minist*'"
    "--json -n 100 'a* OR b* OR c* OR d* OR e* OR f* OR g* OR h* OR i* OR j* OR k* OR l* OR m* OR n* OR o* OR p* OR q* OR r* OR s* OR t* OR u* OR v* OR w* OR x* OR y* OR z* OR 0* OR 1* OR 2* OR 3* OR 4* OR 5* OR 6* OR 7* OR 8* OR 9*'"
    "--color=never -n 5 '(oil OR dollar) AND NOT gulf'"
    "-c 'said OR year*'"
    "--json -n 100 --no-snippets 'title:oil OR oil NEAR/3 price'"
)
use_backend() {
    backend=$1
    if [ "$backend" = xapian ]; then
        CMDS=("${CMDS_XAPIAN[@]}")
        NCMD=${#CMDS[@]}
        NQ=$NCMD
    fi
}

die() { echo "damage-sweep: $*" >&2; exit 3; }
usage() { sed -n '3,13p' "$0" >&2; exit 2; }

bindir=${KQ_BIN:-$root}
ncase=${KQ_DAMAGE_CASES:-50}
allsize=${KQ_DAMAGE_ALL:-2048}
kinds=truncate,flip
filere=
seed=${KQ_DAMAGE_SEED:-1}
every=1
jobs=${KQ_DAMAGE_JOBS:-$(nproc 2>/dev/null || echo 2)}
workdir=
quiet=0

parse_opts() {
    local o OPTIND=1
    while getopts b:n:a:k:f:s:e:j:w:qx o; do
        case $o in
        x) use_backend xapian ;;
        b) bindir=$OPTARG ;;
        n) ncase=$OPTARG ;;
        a) allsize=$OPTARG ;;
        k) kinds=$OPTARG ;;
        f) filere=$OPTARG ;;
        s) seed=$OPTARG ;;
        e) every=$OPTARG ;;
        j) jobs=$OPTARG ;;
        w) workdir=$OPTARG ;;
        q) quiet=1 ;;
        *) usage ;;
        esac
    done
    [ $# -ge "$OPTIND" ] && { echo "damage-sweep: unexpected argument '${!OPTIND}'" >&2; usage; }
    for v in "$ncase" "$allsize" "$seed" "$every" "$jobs"; do
        case $v in '' | *[!0-9]*) echo "damage-sweep: not a number: '$v'" >&2; usage ;; esac
    done
    [ "$every" -ge 1 ] && [ "$jobs" -ge 1 ] || usage
    bindir=$(cd "$bindir" && pwd) || die "no directory $bindir"
    KQ=$bindir/kq
    KQI=$bindir/kq-index
    [ -x "$KQ" ] && [ -x "$KQI" ] || die "no kq and kq-index in $bindir"
}

# ------------------------------------------------------------ damaging

# damage_file FILE truncate OFFSET | damage_file FILE flip OFFSET MASK
damage_file() {
    local f=$1 kind=$2 off=$3 mask=${4:-255} v
    case $kind in
    truncate) truncate -s "$off" "$f" ;;
    flip)
        v=$(od -An -tu1 -j "$off" -N1 "$f") || return 1
        v=${v//[!0-9]/}
        [ -n "$v" ] || { echo "damage-sweep: $f has no byte $off" >&2; return 1; }
        # shellcheck disable=SC2059
        printf "\\$(printf '%03o' $(( (v ^ mask) & 255 )))" |
            dd of="$f" bs=1 seek="$off" conv=notrunc status=none ;;
    *) return 1 ;;
    esac
}

# ------------------------------------------------------------ the index

prepare() {
    local w=$1 i n half f
    mkdir -p "$w" || die "cannot create $w"
    w=$(cd "$w" && pwd)
    rm -rf "$w/ref" "$w/a" "$w/b"
    mkdir -p "$w/a/corpus" "$w/b/corpus" "$w/ref"
    # Two segments: the first half of corpus/*.txt, then the rest.
    local files=("$root"/corpus/*.txt)
    n=${#files[@]}
    [ "$n" -ge 2 ] || die "no corpus in $root/corpus"
    half=$((n / 2))
    cp "${files[@]:0:half}" "$w/a/corpus/"
    cp "${files[@]:half}" "$w/b/corpus/"
    local xb=()
    [ "$backend" = xapian ] && xb=(--backend=xapian)
    (cd "$w/a" && "$KQI" -q "${xb[@]}" -d "$w/ref/idx" corpus/) || die "kq-index (1) failed"
    (cd "$w/b" && "$KQI" -q "${xb[@]}" -d "$w/ref/idx" corpus/) || die "kq-index (2) failed"
    # and one deleted document, so the first segment has a .del file
    if [ "$backend" = native ]; then
        "$KQI" rm -q -d "$w/ref/idx" corpus/0003.txt || die "kq-index rm failed"
    fi
    echo "$backend" >"$w/ref/backend"
    # The reference outputs, from the intact index.
    cd "$w/ref" || die "no $w/ref"
    for ((i = 0; i < NCMD; i++)); do
        eval "set -- ${CMDS[i]}"
        timeout -k 5 "$TIMEOUT" "$KQ" -d idx "$@" >"out.$i" 2>"err.$i"
        echo $? >"st.$i"
        if [ "$(cat "st.$i")" != 0 ] || [ ! -s "out.$i" ] || [ -s "err.$i" ]; then
            cat "err.$i" >&2
            die "reference: kq ${CMDS[i]} exited $(cat "st.$i"), want 0 with output and an empty stderr"
        fi
    done
    if [ "$NQ" -lt "$NCMD" ]; then
        grep -q '^ok: .* 2 segment(s)' "out.$NQ" ||
            die "reference: kq --check: $(cat "out.$NQ")"
    fi
    # The files to damage: every regular file but the lock.
    find idx -maxdepth 1 -type f ! -name kq.lock ! -name flintlock -printf '%f\n' |
        LC_ALL=C sort >files
    [ -s files ] || die "no index files in $w/ref/idx"
    (cd idx && md5sum $(cat ../files)) >md5 || die "md5sum failed"
}

# ------------------------------------------------------------ the cases

# A 31-bit LCG, the same on every platform and bash version.
rng=1
rnd() { rng=$(( (rng * 1103515245 + 12345) % 2147483648 )); r=$(( rng >> 8 )); }
# r = a random number in [0, $1)
rnd_below() {
    local a
    rnd; a=$r; rnd
    r=$(( ((a << 23) | r) % $1 ))
}
rnd_mask() { rnd; r=$(( r % 255 + 1 )); }

# List the cases of one file: "FILE TAB KIND TAB OFFSET TAB MASK".
# cases_of FILE SIZE KIND PHASE; with -e K, every K-th case from PHASE on
# (at least one per file and kind).
cases_of() {
    local f=$1 size=$2 kind=$3 phase=$4 i a b nstrata off
    rng=$(( (seed * 7919 + $(printf '%s %s' "$f" "$kind" | cksum | cut -d' ' -f1)) % 2147483648 ))
    {
        if [ "$size" -le "$allsize" ]; then
            for ((i = 0; i < size; i++)); do
                if [ "$kind" = flip ]; then rnd_mask; echo "$i $r"; else echo "$i -"; fi
            done
        else
            if [ "$kind" = truncate ]; then
                for i in 0 1 15 16 17 $((size / 2)) $((size - 1)); do echo "$i -"; done
                nstrata=$ncase
            else
                for ((i = 0; i <= 20; i++)); do echo "$i 255"; done
                for ((i = size - 8; i < size; i++)); do echo "$i 255"; done
                nstrata=$((2 * ncase))
            fi
            for ((i = 0; i < nstrata; i++)); do
                a=$(( i * size / nstrata )); b=$(( (i + 1) * size / nstrata ))
                [ "$b" -gt "$a" ] || continue
                rnd_below $((b - a)); off=$((a + r))
                if [ "$kind" = flip ]; then rnd_mask; echo "$off $r"; else echo "$off -"; fi
            done
        fi
    } | awk -v s="$size" '$1 >= 0 && $1 < s && !seen[$1]++' | sort -n -k1,1 |
        awk -v f="$f" -v k="$kind" -v e="$every" -v ph="$phase" '
            { a[NR] = $0 }
            END { c = 0
                  for (i = 1; i <= NR; i++) if ((i - 1 + ph) % e == 0) { pr(a[i]); c++ }
                  if (c == 0 && NR > 0) pr(a[int((NR + 1) / 2)]) }
            function pr(l,   x) { split(l, x, " "); printf "%s\t%s\t%s\t%s\n", f, k, x[1], x[2] }'
}

list_cases() {
    local ref=$1 f k size off mask cur= bytes=() nf=0
    while read -r f; do
        [ -z "$filere" ] || [[ $f =~ $filere ]] || continue
        size=$(stat -c %s "$ref/idx/$f")
        for k in ${kinds//,/ }; do
            case $k in truncate | flip) ;; *) echo "damage-sweep: unknown kind '$k'" >&2; exit 2 ;; esac
            cases_of "$f" "$size" "$k" "$nf"
        done
        nf=$((nf + 1))
    done <"$ref/files" |
    # a fifth field for the flips: the new byte, in octal
    while IFS=$'\t' read -r f k off mask; do
        if [ "$k" = flip ]; then
            if [ "$f" != "${cur:-}" ]; then
                mapfile -t bytes < <(od -An -v -tu1 "$ref/idx/$f" | tr -s ' ' '\n' | sed '/^$/d')
                cur=$f
            fi
            printf '%s\t%s\t%s\t%s\t%03o\n' "$f" "$k" "$off" "$mask" $(( (bytes[off] ^ mask) & 255 ))
        else
            printf '%s\t%s\t%s\t%s\t-\n' "$f" "$k" "$off" "$mask"
        fi
    done
}

# ------------------------------------------------------------ running

# The time limit of every command, without a `timeout` process per command
# (an exec costs more than a kq query here): each worker has a watchdog that
# sends TERM to the command running in it after $TIMEOUT seconds of wall
# clock, and KILL 5 s later, as `timeout -k 5 $TIMEOUT` would.  The worker
# writes "PID START" to $d/current before waiting and empties it after.
watchdog() {
    local d=$1 worker=$2 p t now
    while kill -0 "$worker" 2>/dev/null; do
        sleep 1
        p= t=
        read -r p t <"$d/current" 2>/dev/null
        [ -n "$p" ] || continue
        printf -v now '%(%s)T' -1
        if [ $((now - t)) -ge "$TIMEOUT" ]; then
            : >"$d/timedout.$p"
            kill -TERM "$p" 2>/dev/null
            sleep 5
            kill -KILL "$p" 2>/dev/null
        fi
    done
}

# first_diff A B: where text files A and B first differ, with some context.
first_diff() {
    local a b i n lo hi mid from
    mapfile -t a <"$1"
    mapfile -t b <"$2"
    n=${#a[@]}
    [ ${#b[@]} -gt "$n" ] && n=${#b[@]}
    for ((i = 0; i < n; i++)); do
        [ "${a[i]-}" == "${b[i]-}" ] || break
    done
    [ "$i" -lt "$n" ] || { echo "the difference is in NUL bytes"; return; }
    a=${a[i]-<none>} b=${b[i]-<none>}
    lo=0 hi=${#a}
    [ ${#b} -lt "$hi" ] && hi=${#b}
    while [ "$lo" -lt "$hi" ]; do
        mid=$(( (lo + hi + 1) / 2 ))
        if [ "${a:0:mid}" == "${b:0:mid}" ]; then lo=$mid; else hi=$((mid - 1)); fi
    done
    from=$(( lo > 24 ? lo - 24 : 0 ))
    printf 'first at line %d: "%s" instead of "%s"' $((i + 1)) "${b:from:56}" "${a:from:56}"
}

# run_cases CASEFILE DIR RESULTS: run the cases of CASEFILE in DIR; append one
# line per case to RESULTS: "case TAB FILE TAB KIND TAB OFF TAB MASK TAB
# detected|unchanged|failed", and for each failing command "fail TAB FILE TAB
# KIND TAB OFF TAB MASK TAB CMD# TAB CATEGORY TAB DETAIL".
run_cases() {
    local cases=$1 d=$2 res=$3 f kind off mask byte i st err out line verdict nq4 nbad nundet why cat
    local pid start wd prev= nul namere
    mkdir -p "$d" && cd "$d" || return 1
    d=$(pwd)
    rm -rf idx
    cp -R "$REF/idx" idx || return 1
    : >current
    watchdog "$d" "$BASHPID" </dev/null >/dev/null 2>&1 3>&- &
    wd=$!
    while IFS=$'\t' read -r f kind off mask byte; do
        # undo the previous case, damage this one
        if [ -n "$prev" ]; then cp "$REF/idx/$prev" "idx/$prev" || return 1; fi
        prev=$f
        # the file's name as a word: seg1.pos is not named by "seg1.post"
        namere="(^|[^[:alnum:]_.-])${f//./\\.}([^[:alnum:]_.-]|\$|\\.([^[:alnum:]_-]|\$))"
        if [ "$kind" = truncate ]; then
            truncate -s "$off" "idx/$f" || return 1
        else
            printf "\\$byte" >byte
            dd if=byte of="idx/$f" bs=1 seek="$off" conv=notrunc status=none || return 1
        fi
        nq4=0 nbad=0 nundet=0
        for ((i = 0; i < NCMD; i++)); do
            eval "set -- ${CMDS[i]}"
            "$KQ" -d idx "$@" >o 2>e &
            pid=$!
            printf -v start '%(%s)T' -1
            echo "$pid $start" >current
            wait "$pid"
            st=$?
            : >current
            if [ -e "timedout.$pid" ]; then
                rm -f "timedout.$pid"
                st=124
            fi
            err=; IFS= read -r -d '' err <e
            why= cat=
            if [ "$st" -eq 124 ]; then
                cat=HANG why="no answer in $TIMEOUT s (killed)"
            elif [ "$st" -ge 128 ]; then
                cat=SIGNAL why="killed by signal $((st - 128))"
            elif [[ $err == *Sanitizer* || $err == *"runtime error:"* ||
                    $err == *"Segmentation fault"* || $err == *"core dumped"* ]]; then
                line=$(grep -m1 -E 'ERROR: [A-Za-z]*Sanitizer|runtime error:' e)
                cat=SANITIZER why="exit $st, ${line:0:240}"
            elif [ "$st" -eq 4 ] || { [ "$st" -eq 3 ] && [ "$backend" = xapian ] &&
                                      [[ $err == *DatabaseVersionError* ]]; }; then
                if ! [[ $err =~ $namere ]]; then
                    cat=UNNAMED why="exit $st, stderr does not name $f: ${err%%$'\n'*}"
                elif [ "$i" -lt "$NQ" ]; then
                    nq4=$((nq4 + 1))
                fi
            elif [ "$i" -eq "$NQ" ]; then
                out=; IFS= read -r -d '' out <o
                if [ "$st" -eq 0 ]; then
                    cat=CHECK-MISSED why="exit 0: ${out%%$'\n'*}"
                else
                    cat=WRONG-EXIT why="exit $st: ${err%%$'\n'*}"
                fi
            else
                # stdout as the reference's, byte for byte (read stops at a
                # NUL and then succeeds: the reference has none)
                out=; nul=0
                IFS= read -r -d '' out <o && nul=1
                if [ "$st" -eq "${REFST[i]}" ] && [ -z "$err" ] && [ ! -s e ] &&
                   [ "$nul" -eq 0 ] && [ "$out" = "${REFOUT[i]}" ]; then
                    :   # the reference answer
                elif { [ "$st" -eq 0 ] || [ "$st" -eq 1 ]; } && [ "$backend" = xapian ] &&
                     [ "$kind" = flip ] && [ ! -s e ]; then
                    nundet=$((nundet + 1))   # glass has no checksums (see -x)
                elif [ "$st" -eq 0 ] || [ "$st" -eq 1 ]; then
                    cat=WRONG-OUTPUT
                    if [ "$st" -ne "${REFST[i]}" ]; then
                        why="exit $st (reference ${REFST[i]})"
                    else
                        why="exit $st"
                    fi
                    if [ "$nul" -eq 0 ] && [ "$out" = "${REFOUT[i]}" ]; then
                        why+=", stdout identical"
                    else
                        why+=", stdout differs in $(diff "$REF/out.$i" o | grep -c '^[<>]') lines, $(first_diff "$REF/out.$i" o)"
                    fi
                    [ -s e ] && why+=", stderr: ${err%%$'\n'*}"
                else
                    cat=WRONG-EXIT why="exit $st: ${err%%$'\n'*}"
                fi
            fi
            if [ -n "$cat" ]; then
                nbad=$((nbad + 1))
                why=${why//$'\t'/ }
                printf 'fail\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$f" "$kind" "$off" "$mask" \
                    "$i" "$cat" "${why//$'\n'/ }" >>"$res"
            fi
        done
        if [ "$nbad" -gt 0 ]; then verdict=failed
        elif [ "$nq4" -gt 0 ]; then verdict=detected
        elif [ "$nundet" -gt 0 ]; then verdict=undetected
        else verdict=unchanged; fi
        printf 'case\t%s\t%s\t%s\t%s\t%s\n' "$f" "$kind" "$off" "$mask" "$verdict" >>"$res"
    done <"$cases"
    kill "$wd" 2>/dev/null
    # the copy is the reference again, nothing else was written into it
    if [ -n "$prev" ]; then cp "$REF/idx/$prev" "idx/$prev" || return 1; fi
    diff -r "$REF/idx" idx >&2 || printf 'error\tkq changed files of the index copy in %s\n' "$d" >>"$res"
}

# report RESULTS WORKDIR: the failing cases, a summary, the closing line.
report() {
    local res=$1 w=$2 total det unch undet failed i
    total=$(grep -c '^case' "$res")
    det=$(grep -c '^case.*	detected$' "$res")
    unch=$(grep -c '^case.*	unchanged$' "$res")
    undet=$(grep -c '^case.*	undetected$' "$res")
    failed=$(grep -c '^case.*	failed$' "$res")
    if [ "$failed" -gt 0 ]; then
        echo "== commands (run as kq -d IDX ARGS)"
        for ((i = 0; i < NCMD; i++)); do echo "  [$((i + 1))] kq ${CMDS[i]}"; done
        echo "   want: exit 4 and stderr naming the damaged file, or (queries only) the"
        echo "   exit status, stdout and (empty) stderr of the intact index"
        if [ "$quiet" -eq 0 ]; then
            echo "== failing cases: file damage: [commands] OUTCOME: what happened"
            grep '^fail' "$res" | LC_ALL=C sort -t$'\t' -k2,2 -k3,3r -k4,4n -k6,6n | awk -F'\t' -v n="$NCMD" '
                function dmg(kind, off, mask) {
                    return kind == "truncate" ? "truncate@" off : sprintf("flip@%d^0x%02x", off, mask) }
                function flush(   j) {
                    for (j = 1; j <= ng; j++)
                        printf "%s %s: [%s] %s\n", cf, dmg(ck, co, cm),
                            gn[j] == n ? "all" : gc[j], gk[j]
                    ng = 0 }
                { key = $2 SUBSEP $3 SUBSEP $4
                  if (key != cur) { flush(); cur = key; cf = $2; ck = $3; co = $4; cm = $5 }
                  what = $7 ": " $8
                  for (j = 1; j <= ng; j++) if (gk[j] == what) break
                  if (j > ng) { ng++; gk[j] = what; gc[j] = ""; gn[j] = 0 }
                  gc[j] = gc[j] (gc[j] == "" ? "" : ",") ($6 + 1); gn[j]++ }
                END { flush() }'
        fi
        echo "== summary: file, damage, outcome: failing cases, offsets, commands"
        grep '^fail' "$res" | awk -F'\t' '
            { k = $2 "\t" $3 "\t" $7
              if (!((k, $4) in seen)) { seen[k, $4] = 1; cnt[k]++
                  if (!(k in lo) || $4 + 0 < lo[k]) lo[k] = $4 + 0
                  if (!(k in hi) || $4 + 0 > hi[k]) hi[k] = $4 + 0
                  if (cnt[k] <= 8) ex[k] = ex[k] (ex[k] == "" ? "" : " ") $4 }
              if (!((k, $6) in cseen)) { cseen[k, $6] = 1; cm[k, $6 + 1] = 1 } }
            END { for (k in cnt) { split(k, a, "\t"); c = ""
                    for (j = 1; j <= 64; j++) if ((k, j) in cm) c = c (c == "" ? "" : ",") j
                    more = cnt[k] > 8 ? " ..." : ""
                    printf "  %-16s %-8s %-12s %4d cases, offsets %d-%d (%s%s), commands [%s]\n",
                        a[1], a[2], a[3], cnt[k], lo[k], hi[k], ex[k], more, c } }' |
            LC_ALL=C sort -k1,1 -k2,2r -k3,3
        echo "== a reproduction for each file, damage and outcome, with"
        echo "   W=$w   (if it is gone: $0 prepare \$W -b $bindir)"
        grep '^fail' "$res" | LC_ALL=C sort -t$'\t' -k2,2 -k3,3r -k4,4n -k6,6n |
            awk -F'\t' '!seen[$2 "\t" $3 "\t" $7]++' |
        while IFS=$'\t' read -r _ f kind off mask i cat _; do
            printf '  %-12s D=$(mktemp -d) && cp -r $W/ref/idx $D/ && %s damage $D/idx/%s %s %s%s && %s -d $D/idx %s\n' \
                "$cat" "$0" "$f" "$kind" "$off" "$([ "$kind" = flip ] && printf ' 0x%02x' "$mask")" \
                "$KQ" "${CMDS[i]}"
        done
    fi
    if [ "$backend" = xapian ]; then
        echo "$total cases, $det detected, $unch unchanged-output, $undet undetected-change, $failed failed"
    else
        echo "$total cases, $det detected, $unch unchanged-output, $failed failed"
    fi
    [ "$total" -gt 0 ] || { echo "damage-sweep: no cases ran" >&2; return 3; }
    [ "$failed" -eq 0 ]
}

sweep() {
    local w=$1 j n f k
    REF=$w/ref
    [ -s "$REF/files" ] || die "$w is not prepared ($0 prepare $w)"
    (cd "$REF/idx" && md5sum --quiet -c ../md5) || die "the reference index in $REF changed"
    REFST=() REFOUT=()
    for ((j = 0; j < NCMD; j++)); do
        read -r REFST[j] <"$REF/st.$j"
        IFS= read -r -d '' "REFOUT[j]" <"$REF/out.$j" && die "a NUL byte in $REF/out.$j"
    done
    rm -rf "$w/run"
    mkdir -p "$w/run"
    list_cases "$REF" >"$w/run/cases"
    n=$(wc -l <"$w/run/cases")
    [ "$n" -gt 0 ] || die "no cases (files: $(tr '\n' ' ' <"$REF/files"), -f '$filere', -k $kinds)"
    while read -r f; do     # every file is damaged, in every kind asked for
        [ -z "$filere" ] || [[ $f =~ $filere ]] || continue
        for k in ${kinds//,/ }; do
            grep -q "^$f	$k	" "$w/run/cases" || die "no $k case for $f"
        done
    done <"$REF/files"
    echo "damage-sweep: $n cases x $NCMD commands, $jobs jobs, $(wc -l <"$REF/files") files: $(tr '\n' ' ' <"$REF/files")" >&2
    awk -v j="$jobs" -v d="$w/run" '{ print > (d "/chunk." ((NR - 1) % j)) }' "$w/run/cases"
    local pids=()
    for ((j = 0; j < jobs; j++)); do
        [ -s "$w/run/chunk.$j" ] || continue
        : >"$w/run/res.$j"
        # (bash's notices of commands killed by a signal go to the log)
        run_cases "$w/run/chunk.$j" "$w/run/w$j" "$w/run/res.$j" 2>"$w/run/log.$j" &
        pids+=($!)
    done
    wait "${pids[@]}"
    cat "$w/run"/res.* >"$w/run/results" 2>/dev/null
    if [ "$(grep -c '^case' "$w/run/results")" -ne "$n" ]; then
        grep -hv 'Segmentation fault\|Aborted\|Killed\|Terminated\|Bus error' "$w/run"/log.* >&2
        die "only $(grep -c '^case' "$w/run/results") of $n cases ran (see $w/run)"
    fi
    grep '^error' "$w/run/results" >&2 && die "the sweep went wrong (see $w/run)"
    (cd "$REF/idx" && md5sum --quiet -c ../md5) || die "the reference index in $REF changed during the run"
    report "$w/run/results" "$w"
}

# ------------------------------------------------------------ main

# (All in a function, parsed before it runs: editing this file during a long
# run does not derail it.)
main() {
    local cmd w tmp start rc
    case ${1:-} in
    damage)
        shift
        [ $# -ge 3 ] || usage
        damage_file "$@"
        return ;;
    prepare)
        shift
        [ $# -ge 1 ] || usage
        w=$1; shift
        parse_opts "$@"
        prepare "$w"
        return 0 ;;
    report | run | cases)
        cmd=$1; shift
        [ $# -ge 1 ] || usage
        w=$(cd "$1" && pwd) || die "no directory $1"; shift
        # a workdir prepared with -x is swept as a Xapian database
        if [ "$(cat "$w/ref/backend" 2>/dev/null)" = xapian ]; then
            use_backend xapian
        fi
        parse_opts "$@"
        case $cmd in
        cases) list_cases "$w/ref" ;;
        report) report "$w/run/results" "$w" ;;
        run) sweep "$w" ;;
        esac
        return ;;
    -h | --help) usage ;;
    esac

    parse_opts "$@"
    if [ -z "$workdir" ]; then
        workdir=$(mktemp -d "${TMPDIR:-/tmp}/kq-damage.XXXXXX") || die "mktemp failed"
        tmp=1
    else
        tmp=0
    fi
    start=$SECONDS
    (prepare "$workdir") || return 3
    sweep "$workdir"
    rc=$?
    echo "damage-sweep: $((SECONDS - start)) s; work directory $workdir$([ $rc -eq 0 ] && [ $tmp -eq 1 ] && echo ' (removed)')" >&2
    [ $rc -eq 0 ] && [ $tmp -eq 1 ] && rm -rf "$workdir"
    return $rc
}

main "$@"; exit $?
