#!/usr/bin/env node
// wharf-agent: the node agent (kubelet) of a Wharf cluster. Run with --help for its flags.
import { runMain } from '@wharf/store';
import { main } from '../dist/main.js';

runMain('wharf-agent', main);
