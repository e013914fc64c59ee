"""Executes the Tiltfile (Starlark parses as Python) against stand-ins for Tilt's API that
record the calls and fail on a missing path, an unknown resource_deps entry, or a port
forward that matches no container port of the resource. Usage: tilt_stub.py <repo> <helm>"""
import json, os, subprocess, sys, tempfile

root, helm = sys.argv[1], sys.argv[2]
os.chdir(root)
calls, objects, problems = [], [], []


def need_path(p):
    if not os.path.exists(os.path.join(root, p)):
        problems.append(f"path does not exist: {p}")


def load_all(text):
    # yaml -> JSON through node's `yaml` package, already a dev dependency of the repo.
    out = subprocess.run(["node", "-e", "const y=require('yaml');let s='';process.stdin.on('data',d=>s+=d).on('end',()=>console.log(JSON.stringify(y.parseAllDocuments(s).map(d=>d.toJS()).filter(Boolean))))"],
                         input=text, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def k8s_yaml(paths):
    if isinstance(paths, str):
        if paths.startswith("RENDERED:"):
            objects.extend(json.loads(paths[len("RENDERED:"):])); return
        paths = [paths]
    for p in paths:
        need_path(p)
        objects.extend(load_all(open(os.path.join(root, p)).read()))
    calls.append(("k8s_yaml", paths))


def helm(chart, name, namespace, values=()):
    need_path(chart)
    for v in values:
        need_path(v)
    home = tempfile.mkdtemp()
    args = [helm_bin, "template", name, chart, "--namespace", namespace] + sum((["--values", v] for v in values), [])
    env = {"PATH": os.environ["PATH"], "HOME": home, "HELM_CACHE_HOME": home, "HELM_CONFIG_HOME": home, "HELM_DATA_HOME": home}
    out = subprocess.run(args, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        problems.append("helm(): " + out.stderr)
        return "RENDERED:[]"
    calls.append(("helm", chart, values))
    return "RENDERED:" + json.dumps(load_all(out.stdout))


helm_bin = sys.argv[2]
resources, images = {}, []


def docker_build(ref, context, target=None, ignore=(), live_update=(), **kwargs):
    need_path(context)
    dockerfile = os.path.join(root, kwargs.get("dockerfile", "Dockerfile"))
    need_path(os.path.relpath(dockerfile, root))
    if target and f" AS {target}" not in open(dockerfile).read():
        problems.append(f"docker_build target {target} is no stage of the Dockerfile")
    images.append(ref)
    calls.append(("docker_build", ref, live_update))


def sync(local, remote):
    need_path(local)
    return ("sync", local, remote)


def run(cmd, trigger=()):
    for t in trigger if isinstance(trigger, (list, tuple)) else [trigger]:
        need_path(t)
    return ("run", cmd)


def local_resource(name, cmd, deps=(), labels=(), resource_deps=(), **kwargs):
    for d in deps:
        need_path(d)
    resources[name] = {"deps": list(resource_deps), "ports": None}


pending = []


def k8s_resource(workload, port_forwards=(), resource_deps=(), labels=(), **kwargs):
    pending.append((workload, list(port_forwards), list(resource_deps)))


def pod_ports(obj):
    spec = obj.get("spec", {})
    if obj["kind"] != "Pod":
        spec = spec.get("template", {}).get("spec", {})
    return {p["containerPort"] for c in spec.get("containers", []) for p in c.get("ports", [])}


TRIGGER_MODE_MANUAL, TRIGGER_MODE_AUTO = "manual", "auto"
tilt_globals = {name: globals()[name] for name in ["k8s_yaml", "helm", "docker_build", "sync", "run", "local_resource", "k8s_resource", "TRIGGER_MODE_MANUAL", "TRIGGER_MODE_AUTO"]}
exec(compile(open(sys.argv[3] if len(sys.argv) > 3 else os.path.join(root, "Tiltfile")).read(), "Tiltfile", "exec"), tilt_globals)

workloads = {o["metadata"]["name"]: o for o in objects if o["kind"] in ("Deployment", "StatefulSet", "Job", "Pod")}
for name in workloads:
    resources.setdefault(name, {"deps": [], "ports": pod_ports(workloads[name])})
for workload, forwards, deps in pending:
    if workload not in workloads:
        problems.append(f"k8s_resource names no rendered workload: {workload}")
        continue
    resources[workload]["deps"] = deps
    for forward in forwards:
        container_port = int(str(forward).split(":")[-1])
        if container_port not in pod_ports(workloads[workload]):
            problems.append(f"port forward {forward} of {workload} matches no container port {sorted(pod_ports(workloads[workload]))}")
for name, resource in resources.items():
    for dep in resource["deps"]:
        if dep not in resources:
            problems.append(f"resource_deps of {name} names no resource: {dep}")
used_images = {c["image"].split(":")[0] for o in workloads.values() for c in (o.get("spec", {}).get("template", {}).get("spec", o.get("spec", {}))).get("containers", [])}
for ref in images:
    if ref not in used_images:
        problems.append(f"docker_build {ref} is used by no workload (images: {sorted(used_images)})")

print(json.dumps({"problems": problems, "resources": {k: v["deps"] for k, v in resources.items()}, "images": images,
                  "forwards": {w: f for w, f, _ in pending}}))
