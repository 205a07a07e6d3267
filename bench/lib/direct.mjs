// A pod made through the Docker API directly, with no orchestration: the engine's floor that the
// Docker benchmarks print next to Wharf. It has a Wharf pod's shape: an infra container that
// publishes port 3000 on 127.0.0.1, and the app container in its network namespace.

export const PAUSE = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done";

/** Creates and starts the app container `image` in the netns of `infraId`. */
export async function directApp(docker, image, labels, infraId) {
  const app = await docker.createContainer({ Image: image, Labels: labels, HostConfig: { NetworkMode: `container:${infraId}` } });
  await app.start();
  return app;
}

/** Creates and starts pod `i`: its infra container, then its app container. */
export async function directPod(docker, image, labels, i) {
  const infra = await docker.createContainer({ Image: 'wharf.local/busybox:1', Entrypoint: ['/bin/sh', '-c', PAUSE], Cmd: [], Hostname: `d${i}`, Labels: labels, ExposedPorts: { '3000/tcp': {} }, HostConfig: { PortBindings: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } });
  await infra.start();
  return { infra, app: await directApp(docker, image, labels, infra.id) };
}
