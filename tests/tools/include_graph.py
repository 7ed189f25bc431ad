#!/usr/bin/env python3
"""Include-graph check for provhost (run by tests/integration/include_graph.sh).

Reads every #include in host/, plugins/, plugin-api/ and tests/ (*.c, *.h),
resolves it the way the compiler does (the file's own directory for "...",
then -Ihost -Iplugins -Iplugin-api for both "..." and <...>; anything left
unresolved in <...> is a system header) and fails on:

  (a) a cycle between files;
  (b) a cycle between the folders of host/ (host/<sub>/; files directly in
      host/ form the folder "host/");
  (c) an include the RULES table below forbids.

Works on the flat host/ layout and on host/{cli,config,...}/ with includes
like "ledger/ledger.h". Usage: include_graph.py [--root DIR] [--edges]
Prints one line per problem and exits 1, or a one-line summary and exits 0.
"""
import argparse
import fnmatch
import os
import re
import sys

SCAN_DIRS = ["host", "plugins", "plugin-api", "tests"]
INCLUDE_PATHS = ["host", "plugins", "plugin-api"]  # -I, in this order

# Forbidden includes: (files that include, files included, exceptions, why).
# Patterns are fnmatch globs on paths relative to the root; an include is
# forbidden when the includer matches FROM, the included file matches TO and
# the included file matches none of EXCEPT.
RULES = [
    (["host/lifecycle/*", "host/ledger/*", "host/util/*"],
     ["host/engine/*", "host/cli/*"], [],
     "lifecycle/, ledger/ and util/ sit below engine/ and cli/"),
    (["host/util/*"], ["host/*"], ["host/util/*"],
     "util/ includes nothing else in host/"),
    (["plugins/*", "plugin-api/*"], ["host/*"], [],
     "connectors and the public API never see the host's internals"),
    # no shared library lives under plugins/ for the host yet; name it in
    # EXCEPT (e.g. "plugins/common/*") when one does
    (["host/*"], ["plugins/*"], [],
     "the host never includes a connector's code"),
]

# host/'s folders from the bottom up (host/README.md has the same table): a
# folder may include only the folders before it, so the direction of every
# dependency is decided once, here.
HOST_LAYERS = ["util", "lifecycle", "config", "intake", "connector", "contract",
               "ledger", "engine", "cli"]
for _i, _low in enumerate(HOST_LAYERS):
    _higher = ["host/%s/*" % h for h in HOST_LAYERS[_i + 1:]]
    if _higher:
        RULES.append((["host/%s/*" % _low], _higher, [],
                      "host/%s/ sits below %s (host/README.md)" %
                      (_low, ", ".join(h + "/" for h in HOST_LAYERS[_i + 1:]))))

INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^">]+)[">]',
                        re.M)
COMMENT_RE = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def strip_comments(text):
    # keep the newlines of block comments so line numbers stay right
    return COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def source_files(root):
    for top in SCAN_DIRS:
        base = os.path.join(root, top)
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith((".c", ".h")):
                    full = os.path.join(dirpath, name)
                    yield os.path.relpath(full, root).replace(os.sep, "/")


def resolve(root, includer, kind, target):
    """The included file (relative to root), or None if not in the tree."""
    dirs = [os.path.dirname(includer)] if kind == '"' else []
    dirs += INCLUDE_PATHS
    for d in dirs:
        cand = os.path.normpath(os.path.join(d, target))
        if cand.startswith(".."):
            continue
        if os.path.isfile(os.path.join(root, cand)):
            return cand.replace(os.sep, "/")
    return None


def read_graph(root):
    """{file: [(included file, line)]} and a list of unresolved "..." ones."""
    graph, unresolved = {}, []
    for f in source_files(root):
        with open(os.path.join(root, f), encoding="utf-8",
                  errors="replace") as fh:
            text = strip_comments(fh.read())
        edges = graph.setdefault(f, [])
        for m in INCLUDE_RE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            to = resolve(root, f, m.group(1), m.group(2))
            if to:
                edges.append((to, line))
                graph.setdefault(to, [])
            elif m.group(1) == '"':
                unresolved.append("%s:%d: #include \"%s\"" %
                                  (f, line, m.group(2)))
    return graph, unresolved


def sccs(nodes, succ):
    """Strongly connected components (iterative Tarjan), sorted."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(succ(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            advanced = False
            for nxt in it:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(succ(nxt)))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    n = stack.pop()
                    on_stack.discard(n)
                    comp.append(n)
                    if n == node:
                        break
                out.append(sorted(comp))
    return sorted(out)


def cycle_in(comp, succ):
    """One cycle through comp's first node, as a list ending where it began."""
    members, start = set(comp), comp[0]
    prev, queue = {start: None}, [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(succ(node)):
            if nxt == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if nxt in members and nxt not in prev:
                prev[nxt] = node
                queue.append(nxt)
    return [start, start]


def host_folder(path):
    parts = path.split("/")
    if parts[0] != "host":
        return None
    return "host/" if len(parts) == 2 else "host/%s/" % parts[1]


def matches(path, patterns):
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)


def check(root, show_edges):
    graph, unresolved = read_graph(root)
    problems = []

    def succ(n):
        return {to for to, _ in graph.get(n, [])}

    def line_of(a, b):
        return min(line for to, line in graph[a] if to == b)

    # (a) file cycles
    for comp in sccs(graph, succ):
        if len(comp) == 1 and comp[0] not in succ(comp[0]):
            continue
        cyc = cycle_in(comp, succ)
        steps = " -> ".join("%s:%d" % (a, line_of(a, b))
                            for a, b in zip(cyc, cyc[1:]))
        problems.append("include cycle: %s -> %s" % (steps, cyc[-1]))

    # (b) folder cycles in host/
    fedges = {}  # (folder, folder) -> first (file, included, line)
    for a, edges in graph.items():
        fa = host_folder(a)
        for b, line in edges:
            fb = host_folder(b)
            if fa and fb and fa != fb:
                fedges.setdefault((fa, fb), (a, b, line))
    folders = {f for e in fedges for f in e}

    def fsucc(f):
        return {b for (a, b) in fedges if a == f}

    for comp in sccs(folders, fsucc):
        if len(comp) < 2:
            continue
        cyc = cycle_in(comp, fsucc)
        why = "; ".join("%s:%d includes %s" % (fedges[(a, b)][0],
                                               fedges[(a, b)][2],
                                               fedges[(a, b)][1])
                        for a, b in zip(cyc, cyc[1:]))
        problems.append("folder cycle: %s (%s)" % (" -> ".join(cyc), why))

    # (c) forbidden includes
    for a in sorted(graph):
        for b, line in graph[a]:
            for frm, to, exc, why in RULES:
                if matches(a, frm) and matches(b, to) and \
                        not matches(b, exc):
                    problems.append("forbidden include: %s:%d includes %s"
                                    " (%s)" % (a, line, b, why))
                    break

    if show_edges:
        for a in sorted(graph):
            for b, line in graph[a]:
                print("edge %s:%d -> %s" % (a, line, b))
    for u in unresolved:
        print("note: not found in the tree: %s" % u, file=sys.stderr)
    for p in problems:
        print(p)
    if problems:
        return 1
    n_edges = sum(len(e) for e in graph.values())
    print("include graph ok: %d files, %d includes, %d host folders, "
          "no cycles, no forbidden includes" %
          (len(graph), n_edges, len({host_folder(f) for f in graph} - {None})))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=".", help="the source tree")
    ap.add_argument("--edges", action="store_true",
                    help="also print every resolved include")
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.root, "host")):
        print("include_graph: no host/ under %s" % args.root, file=sys.stderr)
        return 2
    return check(args.root, args.edges)


if __name__ == "__main__":
    sys.exit(main())
