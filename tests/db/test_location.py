"""A database on a network share or removable drive is refused, on both systems."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kamdesk.db import location
from kamdesk.db.location import (
    DRIVE_CDROM,
    DRIVE_FIXED,
    DRIVE_REMOTE,
    DRIVE_REMOVABLE,
    LOCAL,
    NETWORK,
    REMOVABLE,
    Verdict,
    block_device_is_removable,
    classify_posix,
    classify_windows,
    parse_bsd_mount_output,
    parse_proc_mounts,
    windows_volume,
)
from kamdesk.errors import KamdeskError
from kamdesk.i18n import set_language

PROC_MOUNTS = r"""
/dev/vda1 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
tmpfs /run tmpfs rw,nosuid,nodev,size=3274836k,mode=755 0 0
/dev/vda2 /home ext4 rw,relatime 0 0
fileserver:/export/kam /mnt/kam nfs4 rw,relatime,vers=4.2,addr=10.0.0.5 0 0
//nas/共享 /home/wang/公司\040共享 cifs rw,relatime,vers=3.1.1 0 0
wang@10.0.0.9:/srv /home/wang/remote fuse.sshfs rw,nosuid,nodev 0 0
/dev/sdb1 /media/wang/KINGSTON vfat rw,nosuid,nodev,uid=1000 0 0
/dev/sdc1 /run/media/li/数据盘 exfat rw,nosuid,nodev 0 0
/dev/sdd1 /data ext4 rw,relatime 0 0
/dev/sde1 /mnt/usb0 ext4 rw,relatime 0 0
drvfs /mnt/c 9p rw,noatime,aname=drvfs;path=C:\;uid=1000 0 0
"""

MOUNTS = parse_proc_mounts(PROC_MOUNTS)


def _no_removable_disks(_device: str) -> bool:
    return False


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/home/wang/.local/share/KAMDesk/kamdesk.sqlite", LOCAL),
        ("/var/lib/kamdesk.sqlite", LOCAL),
        ("/mnt/kam/branch/kamdesk.sqlite", NETWORK),
        ("/mnt/kam", NETWORK),
        ("/home/wang/公司 共享/kamdesk.sqlite", NETWORK),
        ("/home/wang/公司 共享2/kamdesk.sqlite", LOCAL),  # a sibling, not under the share
        ("/home/wang/remote/kamdesk.sqlite", NETWORK),
        ("/mnt/c/Users/wang/kamdesk.sqlite", NETWORK),  # WSL's 9p view of Windows
        ("/media/wang/KINGSTON/kamdesk.sqlite", REMOVABLE),
        ("/run/media/li/数据盘/备份/kamdesk.sqlite", REMOVABLE),
        ("/mnt/usb0/kamdesk.sqlite", REMOVABLE),
    ],
)
def test_linux_mount_table_classification(path: str, kind: str):
    assert classify_posix(path, MOUNTS, _no_removable_disks).kind == kind


def test_the_network_verdict_names_the_share():
    verdict = classify_posix("/mnt/kam/x.sqlite", MOUNTS, _no_removable_disks)
    assert verdict == Verdict(NETWORK, "fileserver:/export/kam (nfs4)")


def test_a_usb_disk_mounted_anywhere_is_removable_by_its_device():
    verdict = classify_posix("/data/kamdesk.sqlite", MOUNTS, lambda dev: dev == "/dev/sdd1")
    assert verdict.kind == REMOVABLE
    assert "/dev/sdd1" in verdict.where


def test_later_mounts_shadow_earlier_ones_at_the_same_point():
    mounts = parse_proc_mounts("/dev/vda1 /srv ext4 rw 0 0\nnas:/x /srv nfs rw 0 0\n")
    assert classify_posix("/srv/kamdesk.sqlite", mounts, _no_removable_disks).kind == NETWORK


def test_macos_mount_output():
    text = (
        "/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
        "/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)\n"
        "//wang@nas.local/kam on /Volumes/kam (smbfs, nodev, nosuid, mounted by wang)\n"
        "/dev/disk4s1 on /Volumes/U盘 (msdos, local, nodev, nosuid, noowners)\n"
    )
    mounts = parse_bsd_mount_output(text)
    home = "/System/Volumes/Data/Users/wang/Library/Application Support/KAMDesk/k.sqlite"
    assert classify_posix(home, mounts, _no_removable_disks).kind == LOCAL
    assert classify_posix("/Volumes/kam/k.sqlite", mounts, _no_removable_disks).kind == NETWORK
    assert classify_posix("/Volumes/U盘/k.sqlite", mounts, _no_removable_disks).kind == REMOVABLE


def _fake_sysfs(root: Path, disk: str, part: str, *, usb: bool, removable: str) -> None:
    bus = "pci0000:00/0000:00:14.0/usb2/2-1/host6" if usb else "pci0000:00/0000:00:17.0/ata1"
    disk_dir = root / "devices" / bus / "block" / disk
    (disk_dir / part).mkdir(parents=True)
    (disk_dir / part / "partition").write_text("1\n")
    (disk_dir / "removable").write_text(removable + "\n")
    links = root / "class" / "block"
    links.mkdir(parents=True, exist_ok=True)
    (links / disk).symlink_to(disk_dir)
    (links / part).symlink_to(disk_dir / part)


@pytest.mark.skipif(os.name != "posix", reason="sysfs layout uses symlinks")
def test_linux_block_devices_on_usb_or_flagged_removable(tmp_path: Path):
    _fake_sysfs(tmp_path, "sda", "sda2", usb=False, removable="0")
    _fake_sysfs(tmp_path, "sdb", "sdb1", usb=True, removable="0")  # a USB hard disk
    _fake_sysfs(tmp_path, "sdc", "sdc1", usb=False, removable="1")  # a card reader
    assert not block_device_is_removable("/dev/sda2", tmp_path)
    assert block_device_is_removable("/dev/sdb1", tmp_path)
    assert block_device_is_removable("/dev/sdc1", tmp_path)
    assert not block_device_is_removable("/dev/nvme9n9p9", tmp_path)  # unknown: not refused
    assert not block_device_is_removable("tmpfs", tmp_path)


@pytest.mark.parametrize(
    ("path", "share", "root"),
    [
        (r"\\fileserver\kam\kamdesk.sqlite", r"\\fileserver\kam", None),
        (r"\\?\UNC\fileserver\kam\kamdesk.sqlite", r"\\fileserver\kam", None),
        ("//fileserver/kam/kamdesk.sqlite", r"\\fileserver\kam", None),
        (r"C:\Users\wang\AppData\Local\KAMDesk\KAMDesk\kamdesk.sqlite", None, "C:\\"),
        (r"\\?\d:\kam\kamdesk.sqlite", None, "D:\\"),
        (r"\\.\E:\kamdesk.sqlite", None, "E:\\"),
    ],
)
def test_windows_volume_of_a_path(path: str, share: str | None, root: str | None):
    assert windows_volume(path) == (share, root)


@pytest.mark.parametrize(
    ("path", "drive_type", "bus_type", "kind"),
    [
        (r"\\fileserver\kam\kamdesk.sqlite", None, None, NETWORK),
        (r"\\?\UNC\fileserver\kam\kamdesk.sqlite", DRIVE_FIXED, None, NETWORK),
        (r"Z:\kamdesk.sqlite", DRIVE_REMOTE, None, NETWORK),  # a mapped network drive
        (r"E:\kamdesk.sqlite", DRIVE_REMOVABLE, None, REMOVABLE),
        (r"F:\kamdesk.sqlite", DRIVE_CDROM, None, REMOVABLE),
        (r"G:\kamdesk.sqlite", DRIVE_FIXED, 7, REMOVABLE),  # a USB hard disk
        (r"C:\Users\wang\kamdesk.sqlite", DRIVE_FIXED, 17, LOCAL),  # NVMe
        (r"C:\Users\wang\kamdesk.sqlite", DRIVE_FIXED, None, LOCAL),
    ],
)
def test_windows_classification(path: str, drive_type: int | None, bus_type: int | None, kind):
    assert classify_windows(path, drive_type, bus_type).kind == kind


def test_refusal_says_wal_and_where_to_put_the_database(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(location, "classify", lambda _p: Verdict(NETWORK, r"\\fileserver\kam"))
    set_language("en")
    try:
        with pytest.raises(KamdeskError) as caught:
            location.check_location(tmp_path / "kamdesk.sqlite")
        assert caught.value.code == "db.network_location"
        text = caught.value.message()
        assert "WAL" in text
        assert r"\\fileserver\kam" in text
        assert str(location.default_database_path()) in text
    finally:
        set_language("zh_CN")


def test_removable_refusal_has_its_own_code(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(location, "classify", lambda _p: Verdict(REMOVABLE, "E:\\"))
    with pytest.raises(KamdeskError) as caught:
        location.check_location(tmp_path / "kamdesk.sqlite")
    assert caught.value.code == "db.removable_location"


def test_this_machines_temp_folder_is_local(tmp_path: Path):
    location.check_location(tmp_path / "not" / "created" / "yet.sqlite")


def test_default_database_lives_in_the_per_user_data_folder():
    path = location.default_database_path()
    assert path.name == "kamdesk.sqlite"
    assert "KAMDesk" in path.parts
    assert location.backup_dir_for(path) == path.parent / "backups"
