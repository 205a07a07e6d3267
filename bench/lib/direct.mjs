// Pods made through the Docker API directly, with no orchestration: the engine's floor that the
// Docker benchmarks print next to Wharf, in Wharf's two pod shapes. A pod of one container is
// that container, publishing port 3000 on 127.0.0.1 (directSingle); a pod of several is an infra
// container that publishes the ports, with the app containers in its network namespace (directPod).

const PAUSE = "trap 'exit 0' TERM; while :; do sleep 3600 & wait $!; done";

/** Creates and starts the app container `image` in the netns of `infraId`. */
export async function directApp(docker, image, labels, infraId) {
  const app = await docker.createContainer({ Image: image, Labels: labels, HostConfig: { NetworkMode: `container:${infraId}` } });
  await app.start();
  return app;
}

/** How an infra container is networked: Wharf's (publishing port 3000 on 127.0.0.1), on the bridge
 * without a published port, or with no network at all. */
const NETWORKS = {
  published: { ExposedPorts: { '3000/tcp': {} }, HostConfig: { PortBindings: { '3000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } } },
  bridge: {},
  none: { HostConfig: { NetworkMode: 'none' } },
};

/** Creates and starts pod `i`: its infra container (networked as `network` says), then its app. */
export async function directPod(docker, image, labels, i, network = 'published') {
  const infra = await docker.createContainer({ Image: 'wharf.local/busybox:1', Entrypoint: ['/bin/sh', '-c', PAUSE], Cmd: [], Hostname: `d${i}`, Labels: labels, ...NETWORKS[network] });
  await infra.start();
  return { infra, app: await directApp(docker, image, labels, infra.id) };
}

/** Creates and starts the app container `image` alone (no infra container), networked as `network` says: publishing port 3000 by default. */
export async function directSingle(docker, image, labels, i, network = 'published') {
  const app = await docker.createContainer({ Image: image, Hostname: `d${i}`, Labels: labels, ...NETWORKS[network] });
  await app.start();
  return app;
}
