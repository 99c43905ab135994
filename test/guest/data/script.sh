# Sourced by busybox sh in the busybox cases; only shell builtins are used here
# (no external applets and no $(...), so the shell never forks).
fib() {
  local n=$1 a=0 b=1 t
  while [ "$n" -gt 0 ]; do t=$((a + b)); a=$b; b=$t; n=$((n - 1)); done
  FIB=$a
}
classify() {
  case "$1" in
    *.txt) echo "$1: text" ;;
    *.gz | *.bz2) echo "$1: compressed" ;;
    [0-9]*) echo "$1: starts with digit" ;;
    *) echo "$1: other" ;;
  esac
}
for n in 1 2 10 30 60; do fib $n; printf 'fib(%d)=%s\n' "$n" "$FIB"; done
for f in notes.txt data.gz 42abc README; do classify "$f"; done
s="path/to/archive.tar.gz"
echo "${s##*/} ${s%%.*} ${s#*/} ${s%.*} len=${#s}"
set -- one "two three" four
echo "argc=$# second=[$2]"
shift
echo "after shift: $*"
i=0 sum=0
while [ $i -lt 2000 ]; do sum=$(( (sum * 31 + i) % 1000003 )); i=$((i + 1)); done
echo "sum=$sum"
echo $(( 7 / 2 )) $(( -7 / 2 )) $(( -7 % 3 )) $(( 1 << 20 )) $(( 0x7fffffff + 1 )) $(( 2 ** 40 ))
while read -r name dept age salary; do
  [ "$name" = name ] && continue
  [ "$dept" = eng ] && echo "engineer $name is $age"
done <<EOT
name dept age salary
alice eng 34 1
bob sales 45 2
carol eng 29 3
EOT
[ -f test/guest/data/lorem.txt ] && echo "lorem exists"
[ -d test/guest/data ] && echo "data is a dir"
[ -e /nonexistent/file ] || echo "missing is missing"
test "abc" \< "abd" && echo "string order ok"
