/** kube-apiserver's table column definitions for each kind; priority 1 marks the `-o wide` columns. */
import type { KindName } from '../kinds.js';

/** A `meta.k8s.io/v1` TableColumnDefinition. */
export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'date';
  format: '' | 'name';
  description: string;
  priority: number;
}

const col = (name: string, description: string, priority = 0, type: TableColumn['type'] = 'string'): TableColumn => ({ name, type, format: '', description, priority });
const nameCol: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically.',
  priority: 0,
};
const ageCol = col('Age', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

const COLUMNS: Record<KindName, TableColumn[]> = {
  Pod: [
    nameCol,
    col('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageCol,
    col('IP', 'podIP address allocated to the pod.', 1),
    col('Node', 'NodeName is a request to schedule this pod onto a specific node.', 1),
    col('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
    col('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  Service: [
    nameCol,
    col('Type', 'type determines how the Service is exposed: ClusterIP or NodePort.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    ageCol,
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  ReplicationController: [
    nameCol,
    col('Desired', 'Replicas is the number of desired replicas.', 0, 'integer'),
    col('Current', 'Replicas is the most recently observed number of replicas.', 0, 'integer'),
    col('Ready', 'The number of ready replicas for this replication controller.', 0, 'integer'),
    ageCol,
    col('Containers', 'Names of each container in the template.', 1),
    col('Images', 'Images referenced by each container in the template.', 1),
    col('Selector', 'Selector is a label query over pods that should match the Replicas count.', 1),
  ],
  Node: [
    nameCol,
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    ageCol,
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'List of addresses reachable to the node.', 1),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release.', 1),
    col('Kernel-Version', 'Kernel Version reported by the node from uname -r.', 1),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API.', 1),
  ],
  Endpoints: [nameCol, col('Endpoints', 'The set of all endpoints is the union of all subsets.'), ageCol],
  Namespace: [nameCol, col('Status', 'The status of the namespace'), ageCol],
  Event: [
    col('Last Seen', 'The time at which the most recent occurrence of this event was recorded.'),
    col('Type', 'Type of this event (Normal, Warning).'),
    col('Reason', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    col('Object', 'The object that this event is about.'),
    col('Subobject', 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.', 1),
    col('Source', 'The component reporting this event.', 1),
    col('Message', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'The time at which the event was first recorded.', 1),
    col('Count', 'The number of times this event has occurred.', 1),
    { ...nameCol, priority: 1 },
  ],
};

/** The columns of `kind`'s table, in kube-apiserver's order (fresh copies the caller may change). */
export function tableColumns(kind: KindName): TableColumn[] {
  return COLUMNS[kind].map((c) => ({ ...c }));
}
