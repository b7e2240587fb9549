#!/usr/bin/env bash
# The README's "run it" command: a real create -> list -> verify -> restore round trip of an
# embedded H2 database and a media folder, generated under examples/demo-data/ (git-ignored).
# Needs only JDK 17+ and Maven: ../backup builds the command line tool on first use.
# Exits non-zero if the restored data differs from the backed-up data.
set -euo pipefail

here="$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
backup="$root/backup"
jar="$root/backup-cli/target/backup-cli.jar"
data="$here/demo-data"
db="jdbc:h2:file:$data/db/inventory"

step() { printf '\n==> %s\n' "$*"; }

# a clean, known configuration: no BACKUP_* settings from the caller's environment
for v in $(compgen -e | grep -E '^(BACKUP_|[A-Z0-9_]+_BACKUP_)' | grep -v '^BACKUP_MVN_ARGS$' || true); do unset "$v"; done

step "building the tool if needed (first run downloads dependencies and takes a few minutes)"
"$backup" --version

step "generating an H2 database and a media folder in $data"
rm -rf "$data"
mkdir -p "$data/media/photos/2026" "$data/media/documents"
cat > "$data/schema.sql" <<'SQL'
CREATE TABLE part(id INT PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INT NOT NULL, photo BLOB);
INSERT INTO part VALUES (1, 'hex bolt M8', 120, X'89504e470d0a1a0a'), (2, 'nut M8', 300, NULL),
                        (3, 'washer ø8 (stainless)', 75, NULL);
CREATE TABLE stock_move(id IDENTITY PRIMARY KEY, part_id INT REFERENCES part(id), delta INT, at TIMESTAMP);
INSERT INTO stock_move(part_id, delta, at) VALUES (1, 20, TIMESTAMP '2026-11-01 10:00:00'), (2, -5, TIMESTAMP '2026-11-02 11:30:00');
SQL
java -cp "$jar" org.h2.tools.RunScript -url "$db" -user sa -script "$data/schema.sql"
printf 'Datasheet of the hex bolt\n' > "$data/media/documents/bolt datasheet.txt"
printf 'Prüfbericht – café 🧪\n' > "$data/media/documents/prüfbericht-café.txt"
head -c 200000 /dev/urandom > "$data/media/photos/2026/bolt.jpg"
head -c 50000 /dev/urandom > "$data/media/photos/nut.jpg"

export BACKUP_DIR="$data/backups"
export BACKUP_DATABASE_URL="$db"
export BACKUP_DATABASE_USER="sa"
export BACKUP_MEDIA_DIR="$data/media"

fingerprint() {
  java -cp "$jar" org.h2.tools.Shell -url "$db" -user sa \
    -sql "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' ORDER BY 1; SELECT id, name, qty, RAWTOHEX(CAST(photo AS VARBINARY)) AS photo FROM part ORDER BY id; SELECT * FROM stock_move ORDER BY id" \
    | grep -v '^(' || true
  (cd "$data/media" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do cksum "$f"; done)
}

step "./backup create --label demo"
id="$("$backup" create --label demo)"
echo "$id"
before="$(fingerprint)"

step "./backup list"
"$backup" list

step "./backup verify --deep $id"
"$backup" verify --deep "$id"

step "changing the data: a new part, a deleted part, a new table, a new, an edited and a deleted media file"
java -cp "$jar" org.h2.tools.Shell -url "$db" -user sa \
  -sql "INSERT INTO part VALUES (4, 'added after the backup', 1, NULL); DELETE FROM stock_move WHERE part_id = 2; DELETE FROM part WHERE id = 2; CREATE TABLE added_later(x INT)" >/dev/null
printf 'new upload\n' > "$data/media/added-later.txt"
printf 'edited\n' >> "$data/media/documents/bolt datasheet.txt"
rm "$data/media/photos/nut.jpg"
if [ "$(fingerprint)" = "$before" ]; then
  echo "demo: error: the change did not change anything?" >&2
  exit 1
fi

step "./backup restore $id --yes"
"$backup" restore "$id" --yes

step "checking that the database and the media folder equal the backup"
after="$(fingerprint)"
if [ "$after" != "$before" ]; then
  echo "demo: FAILED: the restored data differs from the backup" >&2
  diff <(echo "$before") <(echo "$after") >&2 || true
  exit 1
fi
echo "OK: database and media folder are back as they were at $id"

step "./backup list (the restore took a pre-restore safety backup first)"
"$backup" list
