# A new, empty filesystem for each timed copy: sourced by the A/B scripts. Defines fresh_fs DIR,
# which leaves an empty folder DIR/dest, and fresh_fs_down DIR.
#
# Why: this machine's root filesystem is ext4 without a journal, and there the kernel will not
# reuse an inode freed within the last 60 s (360 s while its inode table block is dirty): every
# file a copy creates after the last run's copy was deleted walks past those inodes
# (recently_deleted() in fs/ext4/ialloc.c). That cost depended on what ran before, not on the
# tool, and moved single runs two-fold. A real mirror's disk has a journal, where fsync costs a
# commit, which this disk never showed.
#
# BENCH_FS picks the filesystem:
#   journal    (default) ext4 as mkfs.ext4 makes it, on a loop device, made anew for each run;
#   nojournal  the same without a journal, as this machine's root;
#   here       DIR/dest on DIR's own filesystem, emptied for each run (what the scripts did before).
bench_fs="${BENCH_FS:-journal}"
bench_fs_size="${BENCH_FS_SIZE:-24G}"

fresh_fs_down() { # dir
  # A process that still holds a file there (a server winding down) makes it a lazy unmount.
  if mountpoint -q "$1/dest"; then umount "$1/dest" 2>/dev/null || umount -l "$1/dest"; fi
  rm -f "$1/fs.img"
}

fresh_fs() { # dir
  mkdir -p "$1"
  case "$bench_fs" in
    here) rm -rf "$1/dest"; mkdir -p "$1/dest" ;;
    journal|nojournal)
      fresh_fs_down "$1"
      mkdir -p "$1/dest"
      truncate -s "$bench_fs_size" "$1/fs.img"
      local features=()
      [[ $bench_fs == nojournal ]] && features=(-O ^has_journal)
      mkfs.ext4 -q -F "${features[@]}" -E lazy_itable_init=0,lazy_journal_init=0 "$1/fs.img"
      mount -o loop "$1/fs.img" "$1/dest" ;;
    *) echo "BENCHMARK RUN FAILED: BENCH_FS=$bench_fs is not journal, nojournal or here" >&2; exit 1 ;;
  esac
  sync
}
