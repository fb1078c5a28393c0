# Random queries for the differential tests (tests/cli/xapian.bats,
# tests/differential.sh).  Source it, fill the array W with words, seed
# RANDOM, then call rq_query: it sets Q.
#
# No command substitution here: bash reseeds $RANDOM in every subshell, so
# $(...) would make a seed impossible to replay.

# REPLY = a random word of W.
rq_word() {
    REPLY=${W[$(((RANDOM * 32768 + RANDOM) % ${#W[@]}))]}
}

# Q = a random query: terms, AND, OR, NOT, -, phrases, prefixes, nesting,
# fields, dates, NEAR/ADJ, proximity phrases, boosts.
rq_query() {
    local a b c d e k=$((RANDOM % 18))
    rq_word; a=$REPLY
    rq_word; b=$REPLY
    rq_word; c=$REPLY
    rq_word; d=$REPLY
    rq_word; e=$REPLY
    case $k in
    0) Q="$a" ;;
    1) Q="$a AND $b" ;;
    2) Q="$a OR $b OR $c" ;;
    3) Q="$a NOT $b" ;;
    4) Q="\"$a $b\" OR $c" ;;
    5) Q="${a:0:3}*" ;;
    6) Q="($a OR $b) AND NOT $c" ;;
    7) Q="NOT ($a AND $b)" ;;
    8) Q="\"$a $b $c\" OR ($d $e)" ;;
    9) Q="$a ${b:0:4}* -$c" ;;
    10) Q="title:$a OR $b" ;;
    11) Q="$a NEAR/$((RANDOM % 6 + 1)) $b" ;;
    12) Q="$a ADJ/$((RANDOM % 4 + 1)) $b OR $c" ;;
    13) Q="\"$a $b\"~$((RANDOM % 8 + 1)) OR $c^2" ;;
    14) Q="title:($a OR ${b:0:3}*) AND NOT $c" ;;
    15) Q="($a OR $b)^$((RANDOM % 3 + 2)) OR title:\"$c $d\"" ;;
    16) Q="date:19$((RANDOM % 3 + 86))-0$((RANDOM % 9 + 1)).. AND ($a OR $b)" ;;
    17) Q="source:$a OR $b NEAR/3 $c NEAR/3 $d" ;;
    esac
}
