# SPDX-License-Identifier: LGPL-2.1-or-later
# The on-disk cache and the performance counts (issue #7).
# The benchmark's APDU counts, exactly (label apdu-count, DESIGN.md 7).
mdcard_integration_test(cache-apdu-count cache-apdu-count.sh LABELS apdu-count)
# The disk cache from outside: permissions, damage, changes by others,
# concurrency, switched off, foreign directories, never trusted for writes,
# updated from what a write wrote.
foreach(case perms corrupt changed parallel off foreign untrusted writes untrusted-delete)
  mdcard_integration_test(cache-${case} cache-disk.sh ARGS ${case})
endforeach()
