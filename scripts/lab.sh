#!/usr/bin/env bash
# lab.sh: build, inspect and remove Sluice's two-host network lab (no JDK needed).
#
# The lab is two network namespaces, <prefix>-a and <prefix>-b, joined by a veth pair
# <prefix>-a0 / <prefix>-b0 with addresses from the benchmarking range 198.18.0.0/15, and a tbf
# qdisc on a's veth as the bottleneck "NIC queue". Run `scripts/lab.sh --help` for more.
#
# KEEP IN STEP WITH THE JAVA SIDE. This script and dev.sluice.lab.Lab (agent module) build the
# very same lab: same defaults (LabConfig), same names, same addresses, same commands in the same
# order (plan_up/plan_down here, LabPlan.up/down there), and the same completion mark (the
# fingerprint written as the alias of <prefix>-a0, last). Either one therefore recognises,
# reuses and removes what the other built. `lab.sh up --dry-run` prints the plan in LabPlan's
# Step.render() form, and LabScriptTest (test module) fails if the two plans ever differ, so change
# both together.
set -euo pipefail

PROG=lab.sh
export LC_ALL=C
PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# ---- defaults: the same as dev.sluice.lab.LabConfig.defaults() ------------------------------
PREFIX=sluice
ADDR_A=198.18.0.1
ADDR_B=198.18.0.2
PLEN=24
RATE=50mbit
BURST=16kb
LIMIT=
LATENCY=
MTU=1500
DELAY=
DRY_RUN=0
TIMEOUT=10          # seconds one command may take before it is killed

usage() {
  cat <<'EOF'
Usage: scripts/lab.sh up|down|status [options]
       scripts/lab.sh --help

Builds Sluice's lab: two test "hosts" on this machine, each a network namespace, joined by a
virtual Ethernet cable (a veth pair), with a token-bucket (tbf) qdisc on host a's end that plays
the bottleneck NIC queue:

   namespace <prefix>-a                          namespace <prefix>-b
   [ <prefix>-a0  198.18.0.1/24 ] ==== veth ==== [ <prefix>-b0  198.18.0.2/24 ]
     egress: tbf rate 50mbit burst 16kb latency 20ms   (optional netem delay on b0)

Addresses come from 198.18.0.0/15, the range reserved for benchmarking, so lab traffic can never
reach a real network. Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN) and iproute2 (ip, tc); see
scripts/lab-deps.sh.

Commands:
  up       build the lab. Idempotent: a complete lab with the same options is left alone; a
           partial one (e.g. after a crash) or one built with other options is removed and rebuilt.
  down     remove both namespaces (and with them the veth) plus any leftover veth of the lab's
           names in the root namespace. Works on whatever is left after a crash; a no-op if
           nothing is there.
  status   print what exists, the addresses, and `tc -s qdisc` of the bottleneck.
           Exit status 0 if the lab is up, 3 if it is absent or partial.

Options (defaults in brackets; the Java dev.sluice.lab.LabConfig has the same ones):
  --prefix P      name prefix [sluice]: namespaces P-a, P-b; veths P-a0, P-b0.
                  1-12 characters of A-Z a-z 0-9 _ - (P-a0 must fit Linux's 15-char limit).
  --rate R        tbf rate, bits/s: 50mbit, 800kbit, 1gbit or a plain number [50mbit]
  --burst S       tbf bucket, bytes: 16kb (=16384), 1500, 2mb [16kb]; at least MTU+14
  --latency T     bound the tbf queue by time: 20ms, 500us, 1s [20ms]
  --limit S       bound the tbf queue by bytes instead: 64kb, 100000 (not with --latency)
  --mtu N         MTU of both veth ends [1500]
  --delay T       add a netem delay on b's veth (b -> a direction), e.g. 10ms [off]
  --addr-a IP     a's address [198.18.0.1]   (must lie inside 198.18.0.0/15)
  --addr-b IP     b's address [198.18.0.2]
  --plen N        subnet prefix length, 15-30 [24]
  --dry-run       (up, down) print the commands instead of running them; no root needed.
                  A leading '-' marks an optional step (skipped if its tool is missing,
                  failure tolerated), as in make.
  -h, --help      this text
  Options may also be written --name=value. Pass the same options to status/down as to up
  (only --prefix matters to down).

Examples:
  sudo scripts/lab.sh up                          # default lab "sluice"
  sudo scripts/lab.sh up --rate 10mbit --limit 64kb --delay 5ms
  sudo ip netns exec sluice-b iperf3 -s &         # run anything "on" host b ...
  sudo ip netns exec sluice-a iperf3 -c 198.18.0.2  # ... and talk to it from host a
  sudo tc -n sluice-a -s qdisc show dev sluice-a0  # watch the bottleneck queue
  sudo scripts/lab.sh status
  sudo scripts/lab.sh down

Exit status: 0 success; 1 failure (one line on stderr says what); 2 bad usage; 3 status: not up.
EOF
}

die() { echo "$PROG: $*" >&2; exit 1; }
usage_error() { echo "$PROG: $*; see '$PROG --help'" >&2; exit 2; }
have() { command -v "$1" >/dev/null 2>&1; }
joined() { local s; s=$(printf '%s; ' "$@"); echo "${s%; }"; }
one_line() { awk '{ gsub(/^[ \t]+|[ \t]+$/, "") } NF { s = s (s == "" ? "" : " / ") $0 } END { print substr(s, 1, 400) }'; }

# ---- units: the same as dev.sluice.lab.LabUnits ----------------------------------------------
# Sets REPLY or fails with a usage error naming the option.
MAX_I64=9223372036854775807
mul() { # mul OPT TEXT N M: REPLY = N*M, refusing overflow
  if (( $3 > MAX_I64 / $4 )); then usage_error "$1: '$2' is too large"; fi
  REPLY=$(( $3 * $4 ))
}
parse_rate() { # OPT TEXT -> bits/s
  local t=${2,,}
  [[ $t =~ ^([0-9]{1,15})(bit|kbit|mbit|gbit)?$ ]] || usage_error "$1: '$2' is not a rate: use bits per second, e.g. 50mbit, 800kbit, 1gbit or a plain number of bit/s (byte rates such as 'mbps' are refused: tc reads them as bytes/s)"
  local n=$((10#${BASH_REMATCH[1]})) m=1
  case ${BASH_REMATCH[2]} in kbit) m=1000 ;; mbit) m=1000000 ;; gbit) m=1000000000 ;; esac
  mul "$1" "$2" "$n" "$m"
}
parse_size() { # OPT TEXT -> bytes (k, m = 1024, 1024^2)
  local t=${2,,}
  [[ $t =~ ^([0-9]{1,15})(b|k|kb|kib|m|mb|mib)?$ ]] || usage_error "$1: '$2' is not a size: use bytes, e.g. 16kb (16384), 1500, 2mb; k and m are powers of 1024"
  local n=$((10#${BASH_REMATCH[1]})) m=1
  case ${BASH_REMATCH[2]} in k|kb|kib) m=1024 ;; m|mb|mib) m=1048576 ;; esac
  mul "$1" "$2" "$n" "$m"
}
parse_time() { # OPT TEXT -> microseconds
  local t=${2,,}
  [[ $t =~ ^([0-9]{1,12})(us|ms|s)$ ]] || usage_error "$1: '$2' is not a time: give a whole number with a unit, e.g. 20ms, 500us, 1s"
  local n=$((10#${BASH_REMATCH[1]})) m=1
  case ${BASH_REMATCH[2]} in ms) m=1000 ;; s) m=1000000 ;; esac
  mul "$1" "$2" "$n" "$m"
}
human_rate() {
  local b=$1
  if (( b % 1000000000 == 0 )); then echo "$((b / 1000000000))gbit"
  elif (( b % 1000000 == 0 )); then echo "$((b / 1000000))mbit"
  elif (( b % 1000 == 0 )); then echo "$((b / 1000))kbit"
  else echo "${b}bit"; fi
}

# ---- validation: the same rules as dev.sluice.lab.LabConfig ----------------------------------
ip_value() { # WHAT ADDR -> REPLY = 32-bit value, inside 198.18.0.0/15
  local what=$1 s=$2 v=0 i o
  [[ $s =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || usage_error "$what '$s' is not an IPv4 address (a.b.c.d)"
  for i in 1 2 3 4; do
    o=${BASH_REMATCH[$i]}
    if (( 10#$o > 255 )) || [[ ${#o} -gt 1 && $o == 0* ]]; then
      usage_error "$what '$s' is not an IPv4 address (octets are 0-255, no leading zeros)"
    fi
    v=$(( (v << 8) | 10#$o ))
  done
  (( (v >> 17) == (0xC6120000 >> 17) )) || usage_error "$what $s is outside 198.18.0.0/15: the lab only uses the benchmarking range (198.18.0.0-198.19.255.255), so its traffic can never reach a real network"
  REPLY=$v
}

validate() {
  [[ $PREFIX =~ ^[A-Za-z0-9][A-Za-z0-9_-]*$ ]] || usage_error "prefix '$PREFIX' is invalid: use 1-12 characters from A-Z a-z 0-9 _ -, starting with a letter or digit"
  (( ${#PREFIX} <= 12 )) || usage_error "prefix '$PREFIX' is too long (${#PREFIX} characters): veth name '$PREFIX-a0' would exceed Linux's 15-character interface-name limit; use at most 12"
  [[ $PLEN =~ ^[0-9]{1,2}$ ]] && (( PLEN >= 15 && PLEN <= 30 )) || usage_error "prefix length /$PLEN is out of range: use 15-30 (the subnet must lie inside 198.18.0.0/15)"
  local ia ib mask host
  ip_value "address of a" "$ADDR_A"; ia=$REPLY
  ip_value "address of b" "$ADDR_B"; ib=$REPLY
  (( ia != ib )) || usage_error "a and b have the same address $ADDR_A; give them different ones"
  mask=$(( (0xFFFFFFFF << (32 - PLEN)) & 0xFFFFFFFF ))
  (( (ia & mask) == (ib & mask) )) || usage_error "$ADDR_A and $ADDR_B are not in the same /$PLEN subnet; the veth link needs both in one"
  for host in "a $ia $ADDR_A" "b $ib $ADDR_B"; do
    set -- $host
    if (( ($2 & ~mask & 0xFFFFFFFF) == 0 || ($2 & ~mask & 0xFFFFFFFF) == (~mask & 0xFFFFFFFF) )); then
      usage_error "address of $1 $3 is the network or broadcast address of its /$PLEN subnet; pick a host address"
    fi
  done
  [[ $MTU =~ ^[0-9]{1,5}$ ]] && (( 10#$MTU >= 68 && 10#$MTU <= 65535 )) || usage_error "MTU $MTU is out of range: use 68-65535"
  MTU=$((10#$MTU))
  parse_rate --rate "$RATE"; RATE_BITS=$REPLY
  (( RATE_BITS >= 1000 && RATE_BITS <= 100000000000 )) || usage_error "tbf rate $RATE_BITS bit/s is out of range: use 1kbit-100gbit"
  parse_size --burst "$BURST"; BURST_BYTES=$REPLY
  (( BURST_BYTES >= MTU + 14 && BURST_BYTES <= 67108864 )) || usage_error "tbf burst $BURST_BYTES bytes is out of range: use at least MTU+14 = $((MTU + 14)) (tbf drops packets larger than its bucket) and at most 64mb"
  if (( BURST_BYTES * 8 > 256 * RATE_BITS )); then
    usage_error "tbf burst $BURST_BYTES bytes takes $(( BURST_BYTES * 8 / RATE_BITS ))s to send at $(human_rate "$RATE_BITS"); tc cannot express more than 256s (it would silently wrap): lower the burst or raise the rate"
  fi
  if [[ -n $LIMIT && -n $LATENCY ]]; then
    usage_error "give the tbf queue a limit or a latency, not both (--limit $LIMIT, --latency $LATENCY)"
  fi
  LIMIT_BYTES=0 LATENCY_US=0
  if [[ -n $LIMIT ]]; then
    parse_size --limit "$LIMIT"; LIMIT_BYTES=$REPLY
    (( LIMIT_BYTES >= MTU + 14 && LIMIT_BYTES <= 1073741824 )) || usage_error "tbf limit $LIMIT_BYTES bytes is out of range: use at least MTU+14 = $((MTU + 14)) (or no packet fits the queue) and at most 1gb"
  else
    parse_time --latency "${LATENCY:-20ms}"; LATENCY_US=$REPLY
    (( LATENCY_US >= 1 && LATENCY_US <= 10000000 )) || usage_error "tbf latency ${LATENCY_US}us is out of range: use whole microseconds from 1us to 10s"
    local queue=$(( RATE_BITS * LATENCY_US / 8000000 + BURST_BYTES ))
    (( queue <= 1073741824 )) || usage_error "tbf latency ${LATENCY_US}us at $(human_rate "$RATE_BITS") means a queue of $queue bytes; keep it within 1gb: use a shorter latency or a limit"
  fi
  DELAY_US=0
  if [[ -n $DELAY ]]; then
    parse_time --delay "$DELAY"; DELAY_US=$REPLY
    (( DELAY_US <= 10000000 )) || usage_error "netem delay ${DELAY_US}us is out of range: use whole microseconds from 0 (off) to 10s"
  fi

  NS_A=$PREFIX-a NS_B=$PREFIX-b VETH_A=$PREFIX-a0 VETH_B=$PREFIX-b0
  CIDR_A=$ADDR_A/$PLEN CIDR_B=$ADDR_B/$PLEN
  if (( LIMIT_BYTES > 0 )); then
    TBF_ARGS=(rate "${RATE_BITS}bit" burst "$BURST_BYTES" limit "$LIMIT_BYTES")
    BOUND="limit=$LIMIT_BYTES"
  else
    TBF_ARGS=(rate "${RATE_BITS}bit" burst "$BURST_BYTES" latency "${LATENCY_US}us")
    BOUND="latency=${LATENCY_US}us"
  fi
  # The completion mark: identical to LabConfig.fingerprint().
  FINGERPRINT="sluice-lab/1,a=$CIDR_A,b=$CIDR_B,mtu=$MTU,rate=${RATE_BITS}bit,burst=$BURST_BYTES,$BOUND,delay=${DELAY_US}us"
}

# ---- running commands ------------------------------------------------------------------------
# run CMD...: bounded wait, stderr captured; sets RC and ERR (one line).
run() {
  local e
  if e=$(timeout --kill-after=2 "$TIMEOUT" "$@" 2>&1 >/dev/null); then RC=0; else RC=$?; fi
  ERR=$(printf '%s' "$e" | one_line)
  if (( RC == 124 || RC == 137 )); then ERR="timed out after ${TIMEOUT}s and was killed${ERR:+ ($ERR)}"; fi
}
# capture CMD...: stdout of a bounded command, or nothing if it fails.
capture() { timeout --kill-after=2 "$TIMEOUT" "$@" 2>/dev/null || true; }
fail_msg() { # CMD...: the one-line failure of the last run
  echo "\`$*\` failed (exit $RC)${ERR:+: $ERR}"
}

# step CMD...: a required step. opt TOOL CMD...: an optional one (skipped without TOOL, failure
# tolerated). In a dry run both just print, in LabPlan.Step.render() form.
step() {
  if (( DRY_RUN )); then echo "$*"; return 0; fi
  run "$@"
  if (( RC != 0 )); then
    local msg; msg=$(fail_msg "$@")
    if [[ $ERR == *"qdisc kind is unknown"* ]]; then
      msg+=" (this kernel lacks that qdisc$([[ " $* " == *" netem "* ]] && echo "; build the lab without --delay"))"
    fi
    ( do_down quiet ) >/dev/null 2>&1 || true
    die "building lab '$PREFIX' failed: $msg"
  fi
}
opt() {
  local tool=$1; shift
  if (( DRY_RUN )); then echo "-$*"; return 0; fi
  have "$tool" || return 0
  run "$@" || true
}

# ---- THE PLAN: keep identical to dev.sluice.lab.LabPlan.up / down ----------------------------
plan_up() {
  local na=$NS_A nb=$NS_B va=$VETH_A vb=$VETH_B ns
  step ip netns add "$na"
  step ip netns add "$nb"
  for ns in "$na" "$nb"; do step ip -n "$ns" link set dev lo up; done
  for ns in "$na" "$nb"; do
    step ip netns exec "$ns" sysctl -q -w net.ipv4.conf.all.rp_filter=2 net.ipv4.conf.default.rp_filter=2
  done
  for ns in "$na" "$nb"; do opt sysctl ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1; done
  step ip link add "$va" netns "$na" type veth peer name "$vb" netns "$nb"
  step ip -n "$na" link set dev "$va" mtu "$MTU"
  step ip -n "$nb" link set dev "$vb" mtu "$MTU"
  opt ip ip -n "$na" link set dev "$va" gso_max_segs 1
  opt ip ip -n "$nb" link set dev "$vb" gso_max_segs 1
  opt ethtool ip netns exec "$na" ethtool -K "$va" tso off gso off gro off
  opt ethtool ip netns exec "$nb" ethtool -K "$vb" tso off gso off gro off
  step ip -n "$na" addr add "$CIDR_A" dev "$va"
  step ip -n "$nb" addr add "$CIDR_B" dev "$vb"
  step ip -n "$na" link set dev "$va" up
  step ip -n "$nb" link set dev "$vb" up
  step tc -n "$na" qdisc replace dev "$va" root tbf "${TBF_ARGS[@]}"
  if (( DELAY_US > 0 )); then
    step tc -n "$nb" qdisc replace dev "$vb" root netem delay "${DELAY_US}us"
  fi
  step ip -n "$na" link set dev "$va" alias "$FINGERPRINT"     # completion mark: always last
}

plan_down_dry() {
  echo "ip netns del $NS_A"
  echo "ip netns del $NS_B"
  echo "ip link del $VETH_A"
  echo "ip link del $VETH_B"
}

# ---- inspecting ------------------------------------------------------------------------------
ns_exists() { capture ip netns list | awk '{print $1}' | grep -qxF -- "$1"; }
root_link_exists() { ip -o link show dev "$1" >/dev/null 2>&1; }
link_flags() { sed -n 's/^[^<]*<\([^>]*\)>.*/,\1,/p'; }     # ",BROADCAST,UP,LOWER_UP,"
link_alias() { tr '\\' '\n' | sed -n 's/^ *alias //p' | head -n1; }
link_mtu() { sed -n 's/.* mtu \([0-9]*\).*/\1/p' | head -n1; }
addrs_of() { capture ip -n "$1" -o -4 addr show dev "$2" | awk '{for (i = 1; i < NF; i++) if ($i == "inet") print $(i + 1)}'; }

# Fills PROBLEMS (array) and the H_* variables; the same checks as LabStatus.problems().
inspect() {
  PROBLEMS=() LEFTOVERS=()
  local h ns veth cidr line flags
  for h in a b; do
    if [[ $h == a ]]; then ns=$NS_A veth=$VETH_A cidr=$CIDR_A; else ns=$NS_B veth=$VETH_B cidr=$CIDR_B; fi
    declare -g "H_${h}_NS=0" "H_${h}_LINK=" "H_${h}_LO=down" "H_${h}_ADDRS=" "H_${h}_QDISC="
    if ! ns_exists "$ns"; then PROBLEMS+=("namespace $ns is missing"); continue; fi
    declare -g "H_${h}_NS=1"
    flags=$(capture ip -n "$ns" -o link show dev lo | link_flags)
    if [[ $flags == *,UP,* ]]; then declare -g "H_${h}_LO=up"; else PROBLEMS+=("lo is not up in $ns"); fi
    line=$(capture ip -n "$ns" -o link show dev "$veth")
    if [[ -z $line ]]; then PROBLEMS+=("$veth is missing in $ns"); continue; fi
    declare -g "H_${h}_LINK=$line"
    flags=$(link_flags <<<"$line")
    [[ $flags == *,UP,* ]] || PROBLEMS+=("$veth is down")
    local addrs; addrs=$(addrs_of "$ns" "$veth" | tr '\n' ' ')
    declare -g "H_${h}_ADDRS=${addrs% }"
    [[ " $addrs " == *" $cidr "* ]] || PROBLEMS+=("$veth lacks $cidr")
    declare -g "H_${h}_QDISC=$(capture tc -n "$ns" qdisc show dev "$veth")"
  done
  if [[ -n $H_a_LINK ]]; then
    local alias; alias=$(link_alias <<<"$H_a_LINK")
    if [[ -z $alias ]]; then PROBLEMS+=("$VETH_A has no completion mark (the build did not finish)")
    elif [[ $alias != "$FINGERPRINT" ]]; then PROBLEMS+=("$VETH_A was built for another configuration ($alias)"); fi
    [[ $H_a_QDISC == "qdisc tbf"* ]] || PROBLEMS+=("no tbf qdisc on $VETH_A")
  fi
  if [[ -n $H_b_LINK ]] && (( DELAY_US > 0 )) && [[ $H_b_QDISC != "qdisc netem"* ]]; then
    PROBLEMS+=("no netem qdisc on $VETH_B")
  fi
  local v
  for v in "$VETH_A" "$VETH_B"; do root_link_exists "$v" && LEFTOVERS+=("$v"); done
  if (( ${#LEFTOVERS[@]} )); then PROBLEMS+=("leftover veth in the root namespace: ${LEFTOVERS[*]}"); fi
  return 0
}
absent() { [[ $H_a_NS == 0 && $H_b_NS == 0 ]] && (( ${#LEFTOVERS[@]} == 0 )); }

# ---- commands --------------------------------------------------------------------------------
do_down() { # [quiet]
  local errors=() ns v left=()
  for ns in "$NS_A" "$NS_B"; do
    if ns_exists "$ns"; then run ip netns del "$ns"; (( RC == 0 )) || errors+=("$(fail_msg ip netns del "$ns")"); fi
  done
  for v in "$VETH_A" "$VETH_B"; do
    if root_link_exists "$v"; then run ip link del "$v"; (( RC == 0 )) || errors+=("$(fail_msg ip link del "$v")"); fi
  done
  for ns in "$NS_A" "$NS_B"; do ns_exists "$ns" && left+=("namespace $ns"); done
  for v in "$VETH_A" "$VETH_B"; do root_link_exists "$v" && left+=("veth $v"); done
  if (( ${#left[@]} )); then
    die "could not remove lab '$PREFIX': still there: $(joined "${left[@]}")${errors:+; $(joined "${errors[@]}")}"
  fi
  [[ ${1:-} == quiet ]] || echo "$PROG: lab '$PREFIX' is down (nothing of it is left)"
}

do_up() {
  inspect
  if (( ${#PROBLEMS[@]} == 0 )); then
    echo "$PROG: lab '$PREFIX' is already up with these options (left unchanged)"
    return 0
  fi
  if ! absent; then
    echo "$PROG: lab '$PREFIX' is partial or stale ($(joined "${PROBLEMS[@]}")); rebuilding" >&2
    do_down quiet
  fi
  plan_up
  inspect
  if (( ${#PROBLEMS[@]} )); then
    local p; p=$(joined "${PROBLEMS[@]}")
    ( do_down quiet ) >/dev/null 2>&1 || true
    die "lab '$PREFIX' was built but does not check out: $p"
  fi
  local bound="latency ${LATENCY_US}us"; (( LIMIT_BYTES > 0 )) && bound="limit ${LIMIT_BYTES}b"
  echo "$PROG: lab '$PREFIX' is up: $NS_A ($CIDR_A) <-> $NS_B ($CIDR_B), tbf rate $(human_rate "$RATE_BITS") burst ${BURST_BYTES}b $bound on $VETH_A$( (( DELAY_US > 0 )) && echo ", netem delay ${DELAY_US}us on $VETH_B")"
}

do_status() {
  inspect
  local state h ns veth
  if (( ${#PROBLEMS[@]} == 0 )); then state=up
  elif absent; then state=absent
  else state="partial ($(joined "${PROBLEMS[@]}"))"; fi
  echo "lab '$PREFIX': $state"
  for h in a b; do
    if [[ $h == a ]]; then ns=$NS_A veth=$VETH_A; else ns=$NS_B veth=$VETH_B; fi
    local has_ns="H_${h}_NS" link="H_${h}_LINK" lo="H_${h}_LO" addrs="H_${h}_ADDRS"
    if [[ ${!has_ns} == 0 ]]; then echo "  namespace $ns: missing"; continue; fi
    echo "  namespace $ns: /var/run/netns/$ns, lo ${!lo}"
    if [[ -z ${!link} ]]; then echo "    $veth: missing"; continue; fi
    local flags updown=down; flags=$(link_flags <<<"${!link}"); [[ $flags == *,UP,* ]] && updown=up
    echo "    $veth: $updown, mtu $(link_mtu <<<"${!link}"), ${!addrs:-no address}"
  done
  if [[ -n $H_a_LINK ]]; then
    echo "  bottleneck (tc -s qdisc show dev $VETH_A in $NS_A):"
    capture tc -n "$NS_A" -s qdisc show dev "$VETH_A" | sed -e 's/^ *//' -e '/^$/d' -e 's/^/    /'
  fi
  if [[ $H_b_QDISC == "qdisc netem"* ]]; then echo "  delay on $VETH_B: $(head -n1 <<<"$H_b_QDISC")"; fi
  if (( ${#LEFTOVERS[@]} )); then echo "  leftover in the root namespace: ${LEFTOVERS[*]}"; fi
  [[ $state == up ]] || exit 3
}

# ---- main ------------------------------------------------------------------------------------
CMD=
while (( $# )); do
  arg=$1; shift
  val=
  case $arg in
    --*=*) val=${arg#*=}; arg=${arg%%=*}; set -- "$val" "$@" ;;
  esac
  case $arg in
    -h|--help|help) usage; exit 0 ;;
    up|down|status)
      [[ -z $CMD ]] || usage_error "give one command, not '$CMD' and '$arg'"
      CMD=$arg ;;
    --dry-run) DRY_RUN=1 ;;
    --prefix|--rate|--burst|--limit|--latency|--mtu|--delay|--addr-a|--addr-b|--plen)
      (( $# )) || usage_error "$arg needs a value"
      case $arg in
        --prefix) PREFIX=$1 ;; --rate) RATE=$1 ;; --burst) BURST=$1 ;; --limit) LIMIT=$1 ;;
        --latency) LATENCY=$1 ;; --mtu) MTU=$1 ;; --delay) DELAY=$1 ;; --addr-a) ADDR_A=$1 ;;
        --addr-b) ADDR_B=$1 ;; --plen) PLEN=$1 ;;
      esac
      shift ;;
    *) usage_error "unknown argument '$arg'" ;;
  esac
done
[[ -n $CMD ]] || usage_error "say what to do: up, down or status"
validate

if (( DRY_RUN )); then
  case $CMD in
    up) plan_up ;;
    down) plan_down_dry ;;
    *) usage_error "--dry-run goes with up or down" ;;
  esac
  exit 0
fi

for tool in ip tc; do
  have "$tool" || die "\`$tool\` (iproute2) is not installed; run scripts/lab-deps.sh (or apt-get install iproute2)"
done
have timeout || die "\`timeout\` (coreutils) is not installed"
if [[ $(id -u) != 0 ]]; then
  caps=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status 2>/dev/null || true)
  if [[ -z $caps ]] || (( (16#$caps >> 12 & 1) == 0 || (16#$caps >> 21 & 1) == 0 )); then
    die "must run as root (it creates network namespaces: needs CAP_NET_ADMIN and CAP_SYS_ADMIN); try: sudo $0 $CMD"
  fi
fi
if [[ $CMD == up ]]; then
  have sysctl || die "\`sysctl\` (procps) is not installed; run scripts/lab-deps.sh (or apt-get install procps)"
fi

case $CMD in
  up) do_up ;;
  down) do_down ;;
  status) do_status ;;
esac
