#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Image archives for tests/integration/test_images.sh, good and evil.

image-archives.py docker OUT MODE [CANARY]
    A `docker save` archive (old layout: HEX.json, N/layer.tar,
    manifest.json) named mdt/evil:MODE. MODE:
      layers3         three good layers (files, an overwrite, a whiteout,
                      an opaque directory, a hard link, a symlink)
      symlinked       that and a second image, mdt/evil:symlinked2, whose
                      one layer is the first one's, as a symlink
                      s/layer.tar -> ../0/layer.tar (older Docker's dedup)
      wrong-diff-id   a good layer, but the config names another diff id
      missing-path    manifest.json names a layer the archive lacks
      manifest-dotdot manifest.json names ../N/layer.tar
      name-dotdot     an archive entry ../evil before the rest
      name-absolute   an archive entry CANARY/evil (absolute) before the rest
      outer-symlink   an archive entry N -> CANARY (a symlink), then
                      N/layer.tar through it
      layer-dotdot    a layer entry ../../../../../../../CANARY/evil
      layer-absolute  a layer entry CANARY/evil (absolute)
      layer-symlink   a layer symlink l -> CANARY, then l/evil
      layer-symlink-rel  the same with a relative target
      layer-hardlink  a layer hard link h -> CANARY/file
      layer-whiteout  a layer whiteout .wh... (it names ..)
image-archives.py corrupt IN OUT
    The tar IN with one byte of its largest blobs/sha256/ entry changed.
"""
import hashlib, io, json, sys, tarfile, time


def entry(name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 1700000000
    ti.mode = kw.pop("mode", 0o644)
    for k, v in kw.items():
        setattr(ti, k, v)
    return ti, (io.BytesIO(data) if ti.type == tarfile.REGTYPE else None)


def layer(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for ti, f in entries:
            t.addfile(ti, f)
    return buf.getvalue()


def dir_(name):
    return entry(name, type=tarfile.DIRTYPE, mode=0o755)


def good_layers():
    return [
        layer([dir_("etc"), entry("etc/a", b"a1\n"), entry("etc/gone", b"x\n"),
               dir_("opq"), entry("opq/old", b"old\n"), dir_("bin"),
               entry("bin/tool", b"#!/bin/sh\n", mode=0o755),
               entry("bin/hard", type=tarfile.LNKTYPE, linkname="bin/tool")]),
        layer([dir_("etc"), entry("etc/a", b"a2\n"),
               entry("etc/link", type=tarfile.SYMTYPE, linkname="a")]),
        layer([dir_("etc"), entry("etc/.wh.gone"), dir_("opq"),
               entry("opq/.wh..wh..opq"), entry("opq/new", b"new\n")]),
    ]


def evil_layer(mode, canary):
    base = [dir_("d"), entry("d/ok", b"ok\n")]
    evil = {
        "layer-dotdot": [entry("../../../../../../.." + canary + "/evil", b"evil\n")],
        "layer-absolute": [entry(canary + "/evil", b"evil\n")],
        "layer-symlink": [entry("l", type=tarfile.SYMTYPE, linkname=canary),
                          entry("l/evil", b"evil\n")],
        "layer-symlink-rel": [entry("l", type=tarfile.SYMTYPE,
                                    linkname="../../../../../../../.." + canary),
                              entry("l/evil", b"evil\n")],
        "layer-hardlink": [entry("h", type=tarfile.LNKTYPE, linkname=canary + "/file")],
        "layer-whiteout": [entry("d/.wh...")],
    }[mode]
    return [layer(base + evil)]


def docker_archive(out, mode, canary):
    layers = good_layers() if mode in ("layers3", "symlinked") else (
        evil_layer(mode, canary) if mode.startswith("layer-") else
        [layer([dir_("d"), entry("d/ok", b"ok\n")])])
    diff_ids = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    if mode == "wrong-diff-id":
        diff_ids = ["sha256:" + hashlib.sha256(b"another").hexdigest()]
    config = json.dumps({
        "architecture": "amd64", "os": "linux",
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "author": "image-archives.py",
        "config": {"Cmd": ["sh"], "Env": ["PATH=/bin"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created_by": "layer %d of %s" % (i, mode)} for i in range(len(layers))],
    }, sort_keys=True).encode()
    cfg_name = hashlib.sha256(config).hexdigest() + ".json"
    paths = ["%d/layer.tar" % i for i in range(len(layers))]
    listed = list(paths)
    if mode == "missing-path":
        listed[0] = "9/layer.tar"
    if mode == "manifest-dotdot":
        listed[0] = "../0/layer.tar"
    images = [{"Config": cfg_name, "RepoTags": ["mdt/evil:" + mode], "Layers": listed}]
    extra = []
    if mode == "symlinked":
        config2 = json.dumps({
            "architecture": "amd64", "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": diff_ids[:1]}}).encode()
        cfg2 = hashlib.sha256(config2).hexdigest() + ".json"
        images.append({"Config": cfg2, "RepoTags": ["mdt/evil:symlinked2"],
                       "Layers": ["s/layer.tar"]})
        extra = [dir_("s"), entry("s/layer.tar", type=tarfile.SYMTYPE,
                                  linkname="../0/layer.tar"), entry(cfg2, config2)]
    manifest = json.dumps(images).encode()
    with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
        if mode == "name-dotdot":
            t.addfile(*entry("../evil", b"evil\n"))
        if mode == "name-absolute":
            t.addfile(*entry(canary + "/evil", b"evil\n"))
        if mode == "outer-symlink":
            t.addfile(*entry("0", type=tarfile.SYMTYPE, linkname=canary))
        for p, l in zip(paths, layers):
            if mode != "outer-symlink":
                t.addfile(*dir_(p.split("/")[0]))
            t.addfile(*entry(p, l))
        t.addfile(*entry(cfg_name, config))
        for ti, f in extra:
            t.addfile(ti, f)
        t.addfile(*entry("manifest.json", manifest))


def corrupt(src, out):
    with tarfile.open(src) as t:
        members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
    blobs = [(len(d), i) for i, (m, d) in enumerate(members)
             if d is not None and m.name.startswith("blobs/sha256/")]
    _, i = max(blobs)
    m, d = members[i]
    members[i] = (m, d[:len(d) // 2] + bytes([d[len(d) // 2] ^ 0xff]) + d[len(d) // 2 + 1:])
    with tarfile.open(out, "w") as t:
        for m, d in members:
            t.addfile(m, io.BytesIO(d) if d is not None else None)


if __name__ == "__main__":
    if sys.argv[1] == "docker":
        docker_archive(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "/nonexistent")
    elif sys.argv[1] == "corrupt":
        corrupt(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
