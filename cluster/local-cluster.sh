#!/usr/bin/env bash
# Starts a local cascade cluster on loopback: one nats-server (token auth, JetStream, a fresh
# token and a free port) and K worker processes. Prints the URL to use; Ctrl-C stops everything.
#   cluster/local-cluster.sh [K=3] [--threads T=1] [--port P]
# Then, in another shell:  cascade sweep --nats "$URL" ...   or   cascade run --nats "$URL" --workers K
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
workers=3
threads=1
port=""
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) workers=$1; shift ;;
    *) echo "local-cluster.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
command -v nats-server >/dev/null || { echo "local-cluster.sh: nats-server not found (apt-get install nats-server)" >&2; exit 2; }
if [ -z "$port" ]; then
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/cascade-cluster.XXXXXX")
token=$(node -e "console.log(require('crypto').randomBytes(24).toString('hex'))")
cat > "$dir/nats.conf" <<CONF
listen: 127.0.0.1:$port
max_payload: 8MB
authorization { token: "$token" }
jetstream { store_dir: "$dir/js", max_memory_store: 256MB, max_file_store: 1GB }
CONF

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup INT TERM EXIT

nats-server -c "$dir/nats.conf" > "$dir/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do
  grep -qs "Server is ready" "$dir/nats.log" && break
  sleep 0.1
done
grep -qs "Server is ready" "$dir/nats.log" || { cat "$dir/nats.log" >&2; exit 1; }

url="nats://$token@127.0.0.1:$port"
worker_cmd=(node "$root/packages/cli/bin/cascade.js" worker)
# Staggered a little so that K workers do not all race to create the streams (harmless anyway).
for i in $(seq 1 "$workers"); do
  "${worker_cmd[@]}" --nats "$url" --threads "$threads" > "$dir/worker-$i.log" 2>&1 &
  pids+=($!)
  sleep 0.2
done

echo "cascade cluster: nats-server on 127.0.0.1:$port, $workers workers x $threads threads"
echo "logs: tail -f $dir/worker-*.log"
echo "export CASCADE_NATS=$url"
echo "Ctrl-C stops it."
wait
