/** @slack/bolt, loaded after Node's fetch has its own dispatcher (see node-fetch-first.ts). Import Bolt's values from here. */
import './node-fetch-first';

export { App, AwsLambdaReceiver, HTTPReceiver, LogLevel } from '@slack/bolt';
