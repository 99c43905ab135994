// Who the guest runs as: the host's user and group (as under qemu-user), 0 where the host has no
// such notion (a browser's `process` stand-in has no getuid).

/** The host's user id, the guest's uid and euid. */
export const hostUid = (): number => process.getuid?.() ?? 0;

/** The host's group id, the guest's gid and egid. */
export const hostGid = (): number => process.getgid?.() ?? 0;
