#!/usr/bin/env node
// wharf-proxy: the NodePort proxy (kube-proxy) of one Wharf node. Run with --help for its flags.
import { runMain } from '@wharf/store';
import { main } from '../dist/main.js';

runMain('wharf-proxy', main);
