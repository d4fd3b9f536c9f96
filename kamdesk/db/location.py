"""Where the database lives, and refusing places where SQLite's WAL is unsafe.

WAL keeps its index in shared memory next to the file; on a network share the
locking and shared memory do not work across machines (two desktops can corrupt
the file), and a removable drive pulled out mid-commit loses confirmed saves. So a
database on either is refused before it is opened, with a message saying where to
put it instead.

The default place is the per-user *local* data folder (``platformdirs``; on Windows
``%LOCALAPPDATA%``, which roaming profiles and folder redirection leave on the local
disk — unlike Documents, which is often redirected to a server).

The classification is written as pure functions over their inputs (the mount table
text, a Windows drive type) so both operating systems are tested on any machine;
:func:`check_location` gathers the inputs of the running system.

Hazards: detection is best effort. On Windows a USB hard disk reports itself as a
fixed drive; its bus type (USB, SD, FireWire) is asked for as well, but where that
query fails only the drive type counts. On macOS every local volume under
``/Volumes`` counts as removable.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import platformdirs

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

APP_NAME = "KAMDesk"
APP_AUTHOR = "KAMDesk"
DATABASE_FILENAME = "kamdesk.sqlite"
BACKUP_FOLDER = "backups"

LOCAL = "local"
NETWORK = "network"
REMOVABLE = "removable"

define(
    {
        "db.network_location": N_(
            "The database {path} is on a network share ({where}). SQLite's write-ahead "
            "log (WAL) does not work on network drives: saves can be lost and the file "
            "damaged. Keep the database on this computer's local disk, for example "
            "{suggested}, and share data through Sync."
        ),
        "db.removable_location": N_(
            "The database {path} is on a removable drive ({where}). SQLite's write-ahead "
            "log (WAL) is not safe there: unplugging the drive loses confirmed saves and "
            "can damage the file. Keep the database on this computer's local disk, for "
            "example {suggested}, and use backups to carry copies."
        ),
    }
)

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "afs",
        "afpfs",
        "coda",
        "ncpfs",
        "davfs",
        "webdav",
        "fuse.davfs2",
        "ceph",
        "fuse.ceph",
        "glusterfs",
        "fuse.glusterfs",
        "lustre",
        "gfs2",
        "ocfs2",
        "fuse.rclone",
        "fuse.s3fs",
        "fuse.gcsfuse",
        "fuse.curlftpfs",
        "fuse.gvfsd-fuse",
    }
)
"""File systems reached over a network (Linux ``/proc/mounts`` and macOS names)."""

REMOVABLE_MOUNT_PREFIXES = ("/media/", "/run/media/", "/mnt/usb", "/Volumes/")
"""Mount points where desktops mount USB sticks and card readers."""

# Windows GetDriveTypeW results and STORAGE_BUS_TYPE values.
DRIVE_REMOVABLE = 2
DRIVE_FIXED = 3
DRIVE_REMOTE = 4
DRIVE_CDROM = 5
REMOVABLE_BUS_TYPES = frozenset({4, 7, 12, 13})  # 1394, USB, SD, MMC


@dataclass(frozen=True)
class Mount:
    device: str
    mount_point: str
    fstype: str


@dataclass(frozen=True)
class Verdict:
    """Where a path lives: ``kind`` is LOCAL, NETWORK or REMOVABLE; ``where`` names it."""

    kind: str
    where: str = ""


def default_database_path() -> Path:
    """``<per-user local data folder>/kamdesk.sqlite`` (the folder is not created)."""
    return platformdirs.user_data_path(APP_NAME, APP_AUTHOR, roaming=False) / DATABASE_FILENAME


def backup_dir_for(db_path: Path) -> Path:
    """The backup folder of a database: ``backups`` next to it, on the same local disk."""
    return db_path.parent / BACKUP_FOLDER


def default_backup_dir() -> Path:
    return backup_dir_for(default_database_path())


# --- POSIX -------------------------------------------------------------------------

_OCTAL_ESCAPE = re.compile(r"\\([0-7]{3})")


def _unescape_mount_field(text: str) -> str:
    return _OCTAL_ESCAPE.sub(lambda m: chr(int(m.group(1), 8)), text)


def parse_proc_mounts(text: str) -> list[Mount]:
    """Mounts from Linux ``/proc/mounts`` text (spaces arrive as ``\\040``)."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            device, mount_point, fstype = (_unescape_mount_field(f) for f in fields[:3])
            mounts.append(Mount(device, mount_point, fstype))
    return mounts


_BSD_MOUNT_LINE = re.compile(r"^(?P<device>.+?) on (?P<point>.+) \((?P<fstype>[^,)]+)")


def parse_bsd_mount_output(text: str) -> list[Mount]:
    """Mounts from macOS ``mount`` output: ``//u@srv/share on /Volumes/share (smbfs, ...)``."""
    mounts = []
    for line in text.splitlines():
        match = _BSD_MOUNT_LINE.match(line)
        if match:
            mounts.append(Mount(match["device"], match["point"], match["fstype"].strip()))
    return mounts


def mount_of(path: str, mounts: Sequence[Mount]) -> Mount | None:
    """The mount holding absolute ``path``: the longest mount point; later mounts shadow."""
    target = PurePosixPath(path)
    best: Mount | None = None
    best_depth = -1
    for mount in mounts:
        point = PurePosixPath(mount.mount_point)
        if target == point or point in target.parents:
            depth = len(point.parts)
            if depth >= best_depth:
                best, best_depth = mount, depth
    return best


def classify_posix(
    path: str, mounts: Sequence[Mount], device_is_removable: Callable[[str], bool]
) -> Verdict:
    """Classify an absolute, symlink-free ``path`` against a mount table."""
    mount = mount_of(path, mounts)
    if mount is None:
        return Verdict(LOCAL)
    fstype = mount.fstype.lower()
    if fstype in NETWORK_FILESYSTEMS or fstype.startswith("nfs"):
        return Verdict(NETWORK, f"{mount.device} ({mount.fstype})")
    point = mount.mount_point.rstrip("/") + "/"
    if point.startswith(REMOVABLE_MOUNT_PREFIXES) or device_is_removable(mount.device):
        return Verdict(REMOVABLE, f"{mount.mount_point}, {mount.device}")
    return Verdict(LOCAL)


def block_device_is_removable(device: str, sys_root: Path = Path("/sys")) -> bool:
    """Whether a Linux block device (``/dev/sdb1``) sits on a removable disk or on USB.

    Follows partitions to their disk and device-mapper volumes (LUKS, LVM) to the
    disks under them. Any error reading sysfs answers False.
    """
    if not device.startswith("/dev/"):
        return False
    name = Path(os.path.realpath(device)).name
    return _sysfs_removable(name, sys_root, depth=0)


def _sysfs_removable(name: str, sys_root: Path, depth: int) -> bool:
    if depth > 8:
        return False
    entry = sys_root / "class" / "block" / name
    try:
        real = entry.resolve()
        if any(part.startswith("usb") for part in real.parts):
            return True
        disk = real.parent if (real / "partition").exists() else real
        if _read(disk / "removable") == "1":
            return True
        if _read(disk / "device" / "type") == "SD":
            return True
        slaves = real / "slaves"
        if slaves.is_dir():
            return any(_sysfs_removable(s.name, sys_root, depth + 1) for s in slaves.iterdir())
    except OSError:
        return False
    return False


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return ""


# --- Windows -----------------------------------------------------------------------


def windows_volume(path: str) -> tuple[str | None, str | None]:
    """``(unc_share, drive_root)`` of a Windows path; exactly one is set for a full path.

    ``\\\\server\\share\\x`` and ``\\\\?\\UNC\\server\\share\\x`` give the share;
    ``C:\\x``, ``\\\\?\\C:\\x`` and ``\\\\.\\C:\\x`` give ``C:\\``.
    """
    drive = PureWindowsPath(path).drive
    upper = drive.upper()
    if upper.startswith("\\\\?\\UNC\\"):
        return "\\\\" + drive[len("\\\\?\\UNC\\") :], None
    if upper.startswith(("\\\\?\\", "\\\\.\\")):
        rest = drive[4:]
        if re.fullmatch(r"[A-Za-z]:", rest):
            return None, rest.upper() + "\\"
        return None, PureWindowsPath(path).anchor or None
    if drive.startswith("\\\\"):
        return drive, None
    if re.fullmatch(r"[A-Za-z]:", drive):
        return None, drive.upper() + "\\"
    return None, None


def classify_windows(path: str, drive_type: int | None, bus_type: int | None = None) -> Verdict:
    """Classify a Windows path given ``GetDriveTypeW`` and the disk's storage bus type."""
    share, root = windows_volume(path)
    if share is not None:
        return Verdict(NETWORK, share)
    where = root or path
    if drive_type == DRIVE_REMOTE:
        return Verdict(NETWORK, where)
    if drive_type in (DRIVE_REMOVABLE, DRIVE_CDROM):
        return Verdict(REMOVABLE, where)
    if bus_type in REMOVABLE_BUS_TYPES:
        return Verdict(REMOVABLE, where)
    return Verdict(LOCAL)


def _windows_drive_type(root: str) -> int | None:
    import ctypes

    try:
        return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return None


def _windows_bus_type(root: str) -> int | None:
    """STORAGE_BUS_TYPE of the disk behind ``C:\\`` (IOCTL_STORAGE_QUERY_PROPERTY)."""
    import ctypes
    from ctypes import wintypes

    if not re.fullmatch(r"[A-Z]:\\", root):
        return None
    try:
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.CreateFileW.restype = wintypes.HANDLE
        handle = kernel32.CreateFileW(f"\\\\.\\{root[:2]}", 0, 3, None, 3, 0, None)
        if handle in (None, wintypes.HANDLE(-1).value):
            return None
        try:
            query = (ctypes.c_uint32 * 3)(0, 0, 0)  # StorageDeviceProperty, standard query
            out = ctypes.create_string_buffer(1024)
            returned = wintypes.DWORD(0)
            ok = kernel32.DeviceIoControl(
                wintypes.HANDLE(handle),
                0x2D1400,
                query,
                12,
                out,
                1024,
                ctypes.byref(returned),
                None,
            )
            if not ok or returned.value < 32:
                return None
            return int.from_bytes(out.raw[28:32], "little")
        finally:
            kernel32.CloseHandle(wintypes.HANDLE(handle))
    except (AttributeError, OSError):
        return None


# --- the running system ------------------------------------------------------------


def _existing_ancestor(path: Path) -> Path:
    path = path.absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return path


def classify(path: Path) -> Verdict:
    """Classify ``path`` (which need not exist yet) on the running system."""
    probe = Path(os.path.realpath(_existing_ancestor(path)))
    if sys.platform == "win32":
        share, root = windows_volume(str(probe))
        if share is not None or root is None:
            return classify_windows(str(probe), None)
        return classify_windows(str(probe), _windows_drive_type(root), _windows_bus_type(root))
    if sys.platform == "darwin":
        try:
            text = subprocess.run(
                ["/sbin/mount"], capture_output=True, text=True, check=False, timeout=5
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return Verdict(LOCAL)
        return classify_posix(str(probe), parse_bsd_mount_output(text), lambda _device: False)
    try:
        text = Path("/proc/mounts").read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return Verdict(LOCAL)
    return classify_posix(str(probe), parse_proc_mounts(text), block_device_is_removable)


def check_location(path: Path) -> None:
    """Refuse a database on a network share or a removable drive (raises KamdeskError)."""
    verdict = classify(path)
    if verdict.kind == LOCAL:
        return
    code = "db.network_location" if verdict.kind == NETWORK else "db.removable_location"
    raise KamdeskError(
        code, path=str(path), where=verdict.where, suggested=str(default_database_path())
    )
