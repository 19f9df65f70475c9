/**
 * The local bus must route exactly as EventBridge does, so this suite is a specification built from
 * the examples in AWS's EventBridge user guide ("Event patterns", "Content filtering", "Arrays in
 * event patterns", "$or"): each becomes a pattern plus events that must and must not match.
 */
import fc from 'fast-check';
import type { EventPattern } from '../../functions/shared/routing';
import { archivePattern, routes } from '../../functions/shared/routing';
import { InvalidEventPatternError, matchesPattern, validatePattern } from '../../local/event-pattern';

interface Case {
  pattern: EventPattern;
  matches: unknown[];
  rejects: unknown[];
}

/** Given a pattern EventBridge accepts, it matches every event in `matches` and none in `rejects`. */
function specify({ pattern, matches, rejects }: Case): void {
  expect(validatePattern(pattern)).toEqual({ kind: 'valid' });
  // the event rides along in the assertion so a failure names it
  const outcome = (event: unknown) => ({ event, matched: matchesPattern(pattern, event) });
  for (const event of matches) expect(outcome(event)).toEqual({ event, matched: true });
  for (const event of rejects) expect(outcome(event)).toEqual({ event, matched: false });
}

const detail = (fields: Record<string, unknown>) => ({ detail: fields });

describe('event patterns (user guide: "Event patterns")', () => {
  const ec2StateChange = (state: string) => ({
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '111122223333',
    time: '2017-12-22T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
    detail: { 'instance-id': 'i-1234567890abcdef0', state },
  });

  it('matches only the fields it names, all of them, at the same nesting', () => {
    specify({
      pattern: {
        source: ['aws.ec2'],
        'detail-type': ['EC2 Instance State-change Notification'],
        detail: { state: ['terminated'] },
      },
      matches: [ec2StateChange('terminated')],
      rejects: [
        ec2StateChange('running'),
        { ...ec2StateChange('terminated'), source: 'aws.fargate' },
        // state at the top level is not detail.state
        { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', state: 'terminated' },
        { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' },
      ],
    });
  });

  it('treats the values of a field as alternatives', () => {
    specify({
      pattern: { source: ['aws.ec2', 'aws.fargate'] },
      matches: [{ source: 'aws.ec2' }, { source: 'aws.fargate' }],
      rejects: [{ source: 'aws.s3' }, {}],
    });
  });

  it('matches strings character by character, without case folding', () => {
    specify({
      pattern: { source: ['aws.ec2'] },
      matches: [{ source: 'aws.ec2' }],
      rejects: [{ source: 'AWS.EC2' }, { source: 'aws.ec2 ' }, { source: 'aws.ec' }],
    });
  });

  it('matches numeric values at any depth (the Macie alert example)', () => {
    const alert = (riskScore: number, risk: number) => ({
      source: 'aws.macie',
      'detail-type': 'Macie Alert',
      detail: {
        'notification-type': 'ALERT_CREATED',
        'risk-score': riskScore,
        trigger: { 'alert-type': 'basic', risk },
      },
    });
    specify({
      pattern: {
        source: ['aws.macie'],
        'detail-type': ['Macie Alert'],
        detail: { 'risk-score': [80], trigger: { risk: [8] } },
      },
      matches: [alert(80, 8)],
      rejects: [
        alert(80, 7),
        alert(81, 8),
        { ...alert(80, 8), detail: { 'risk-score': '80', trigger: { risk: '8' } } },
      ],
    });
  });
});

describe('null values and empty strings', () => {
  const launch = {
    'detail-type': 'EC2 Instance Launch Successful',
    source: 'aws.autoscaling',
    resources: [],
    detail: { eventVersion: '', responseElements: null },
  };

  it('matches an empty string only with an empty string', () => {
    specify({
      pattern: { detail: { eventVersion: [''] } },
      matches: [launch],
      rejects: [detail({ eventVersion: null }), detail({}), detail({ eventVersion: ' ' })],
    });
  });

  it('matches null only with null: not with a missing field, nor an empty string', () => {
    specify({
      pattern: { source: ['aws.autoscaling'], detail: { responseElements: [null] } },
      matches: [launch],
      rejects: [
        { ...launch, detail: { eventVersion: '' } },
        { ...launch, detail: { responseElements: '' } },
        { ...launch, detail: { responseElements: 'null' } },
      ],
    });
  });
});

describe('arrays (user guide: "Arrays in event patterns")', () => {
  it('matches an event array when it shares any value with the pattern array', () => {
    specify({
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
        ],
      },
      matches: [
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:' +
              'autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
      ],
      rejects: [{ resources: ['arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f'] }, { resources: [] }],
    });
  });

  it('crushes nested arrays into their values', () => {
    specify({
      pattern: { tags: ['b'] },
      matches: [{ tags: [['a'], ['b', 'c']] }, { tags: 'b' }],
      rejects: [{ tags: [['a'], ['c']] }],
    });
  });

  const employees = {
    employees: [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
      { firstName: 'Peter', lastName: 'Jones' },
    ],
  };

  it('looks inside objects in an array as if each were the value of the field', () => {
    specify({
      pattern: { employees: { firstName: ['Anna'] } },
      matches: [employees, { employees: [[{ firstName: 'John' }], [{ firstName: 'Anna' }]] }],
      rejects: [{ employees: [{ firstName: 'Annabel' }] }],
    });
  });

  it('never combines fields from different elements of the same array', () => {
    specify({
      pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
      matches: [{ employees: [...employees.employees, { firstName: 'Anna', lastName: 'Jones' }] }],
      rejects: [employees],
    });
  });
});

describe('content filtering (user guide: "Content filtering in event patterns")', () => {
  it('prefix: the string starts with the value', () => {
    specify({
      pattern: { time: [{ prefix: '2017-10-02' }] },
      matches: [{ time: '2017-10-02T18:43:48Z' }, { time: '2017-10-02' }],
      rejects: [{ time: '2017-10-03T18:43:48Z' }, { time: ' 2017-10-02' }, { time: 20171002 }, {}],
    });
  });

  it('prefix with equals-ignore-case', () => {
    specify({
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      matches: [detail({ service: 'EventBridge' }), detail({ service: 'EVENTBRIDGE' }), detail({ service: 'eventb' })],
      rejects: [detail({ service: 'Event Bridge' }), detail({ service: 'SNS' })],
    });
  });

  it('suffix: the string ends with the value', () => {
    specify({
      pattern: { FileName: [{ suffix: '.png' }] },
      matches: [{ FileName: 'image.png' }, { FileName: '.png' }],
      rejects: [{ FileName: 'image.PNG' }, { FileName: 'image.png.txt' }],
    });
  });

  it('suffix with equals-ignore-case', () => {
    specify({
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      matches: [detail({ FileName: 'image.png' }), detail({ FileName: 'IMAGE.PNG' }), detail({ FileName: 'a.Png' })],
      rejects: [detail({ FileName: 'image.jpg' })],
    });
  });

  it('equals-ignore-case: the whole string, in any case', () => {
    specify({
      pattern: { detail: { 'detail-type': [{ 'equals-ignore-case': 'ec2 instance state-change notification' }] } },
      matches: [detail({ 'detail-type': 'EC2 Instance State-change Notification' })],
      rejects: [detail({ 'detail-type': 'EC2 Instance State-change Notification!' })],
    });
  });

  it('anything-but a single string', () => {
    specify({
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      matches: [
        detail({ state: 'running' }),
        detail({ state: 'INITIALIZING' }),
        detail({ state: 7 }),
        detail({ state: null }),
      ],
      // a missing field is not "anything but": there is no value at all
      rejects: [detail({ state: 'initializing' }), detail({}), {}],
    });
  });

  it('anything-but a single number', () => {
    specify({
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      matches: [detail({ 'x-limit': 124 }), detail({ 'x-limit': '123' })],
      rejects: [detail({ 'x-limit': 123 }), detail({ 'x-limit': 123.0 })],
    });
  });

  it('anything-but a list of strings', () => {
    specify({
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      matches: [detail({ state: 'running' })],
      rejects: [detail({ state: 'stopped' }), detail({ state: 'overloaded' })],
    });
  });

  it('anything-but a list of numbers', () => {
    specify({
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      matches: [detail({ 'x-limit': 301.8 }), detail({ 'x-limit': 0 })],
      rejects: [detail({ 'x-limit': 100 }), detail({ 'x-limit': 3e2 })],
    });
  });

  it('anything-but a prefix', () => {
    specify({
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      matches: [detail({ state: 'running' }), detail({ state: 'INITIALIZING' }), detail({ state: 5 })],
      rejects: [detail({ state: 'initializing' }), detail({ state: 'init' })],
    });
  });

  it('anything-but a suffix', () => {
    specify({
      pattern: { FileName: [{ 'anything-but': { suffix: '.png' } }] },
      matches: [{ FileName: 'image.jpg' }, { FileName: 'image.PNG' }],
      rejects: [{ FileName: 'image.png' }],
    });
  });

  it('anything-but with equals-ignore-case, single value and list', () => {
    specify({
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
      matches: [{ state: 'running' }],
      rejects: [{ state: 'initializing' }, { state: 'INITIALIZING' }, { state: 'Initializing' }],
    });
    specify({
      pattern: { state: [{ 'anything-but': { 'equals-ignore-case': ['stopped', 'overloaded'] } }] },
      matches: [{ state: 'running' }],
      rejects: [{ state: 'STOPPED' }, { state: 'Overloaded' }],
    });
  });

  it('anything-but a wildcard', () => {
    specify({
      pattern: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] },
      matches: [{ FilePath: '/usr/bin/node' }, { FilePath: 'lib/x' }],
      rejects: [{ FilePath: '/usr/lib/node' }, { FilePath: '/lib/' }],
    });
  });

  it('numeric: every comparison of the range holds', () => {
    specify({
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      matches: [detail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 })],
      rejects: [
        detail({ 'c-count': 0, 'd-count': 3, 'x-limit': 301.8 }),
        detail({ 'c-count': 5.000001, 'd-count': 3, 'x-limit': 301.8 }),
        detail({ 'c-count': 5, 'd-count': 10, 'x-limit': 301.8 }),
        detail({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.80001 }),
        // numeric matching is for JSON numbers only
        detail({ 'c-count': '5', 'd-count': 3, 'x-limit': 301.8 }),
      ],
    });
  });

  it('numeric: open and closed bounds', () => {
    specify({
      pattern: { n: [{ numeric: ['>=', -1.5, '<', 2] }] },
      matches: [{ n: -1.5 }, { n: 0 }, { n: 1.999999 }],
      rejects: [{ n: -1.500001 }, { n: 2 }, { n: true }, { n: null }],
    });
  });

  it('cidr: the address is in the block', () => {
    specify({
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      matches: [detail({ sourceIPAddress: '10.0.0.0' }), detail({ sourceIPAddress: '10.0.0.255' })],
      rejects: [
        detail({ sourceIPAddress: '10.0.1.0' }),
        detail({ sourceIPAddress: '10.0.0.256' }),
        detail({ sourceIPAddress: 'not an ip' }),
      ],
    });
  });

  it('cidr: IPv6 blocks compare the address, not its spelling', () => {
    specify({
      pattern: { ip: [{ cidr: '2001:db8::/32' }] },
      matches: [{ ip: '2001:db8::1' }, { ip: '2001:0DB8:0000:0000:0000:0000:0000:0001' }, { ip: '2001:db8:ffff::' }],
      rejects: [{ ip: '2001:db9::1' }, { ip: '10.0.0.1' }],
    });
  });

  it('exists: true needs a leaf value at the path, null included', () => {
    specify({
      pattern: { detail: { state: [{ exists: true }] } },
      matches: [
        {
          'detail-type': 'EC2 Instance State-change Notification',
          source: 'aws.ec2',
          detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
        },
        detail({ state: null }),
        detail({ state: ['a'] }),
      ],
      rejects: [
        { 'detail-type': 'EC2 Instance State-change Notification', detail: { 'c-count': { c1: 100 } } },
        // an object is not a leaf, and an empty array has no values
        detail({ state: { name: 'pending' } }),
        detail({ state: [] }),
      ],
    });
  });

  it('exists: false holds when no leaf is at the path, including when it is an object', () => {
    specify({
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      matches: [
        { 'detail-type': 'EC2 Instance State-change Notification', detail: { state: ['initializing', 'running'] } },
        {
          'detail-type': 'EC2 Instance State-change Notification',
          detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } },
        },
        // no detail at all: there is no detail.c-count either
        { 'detail-type': 'EC2 Instance State-change Notification' },
      ],
      rejects: [detail({ 'c-count': 0 }), detail({ 'c-count': null })],
    });
  });

  it('wildcard: * matches any run of characters, including none', () => {
    specify({
      pattern: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] },
      matches: [
        { EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/concord' },
        { EventBusArn: 'arn:aws:events:us-east-1::event-bus/' },
      ],
      rejects: [{ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/concord' }],
    });
    specify({
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      matches: [{ source: 'SimpleService' }, { source: 'Simple Queue Service' }],
      rejects: [{ source: 'simple queue service' }, { source: 'Simple Queue Services' }],
    });
  });

  it('wildcard: \\* is a literal star and \\\\ a literal backslash', () => {
    specify({
      pattern: { name: [{ wildcard: 'a\\*b*' }] },
      matches: [{ name: 'a*b' }, { name: 'a*bc' }],
      rejects: [{ name: 'axb' }, { name: 'ab' }],
    });
    specify({
      pattern: { path: [{ wildcard: 'C:\\\\*' }] },
      matches: [{ path: 'C:\\Windows' }],
      rejects: [{ path: 'C:/Windows' }],
    });
  });

  it('combines operators: all fields must hold (the complex example)', () => {
    const event = {
      time: '2017-10-02T16:24:49Z',
      detail: { 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, 'source-ip': '10.0.0.33', state: 'running' },
    };
    specify({
      pattern: {
        time: [{ prefix: '2017-10-02' }],
        detail: {
          state: [{ 'anything-but': 'initializing' }],
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ 'anything-but': [100, 200, 300] }],
          'source-ip': [{ cidr: '10.0.0.0/8' }],
        },
      },
      matches: [event],
      rejects: [
        { ...event, detail: { ...event.detail, state: 'initializing' } },
        { ...event, detail: { ...event.detail, 'x-limit': 300 } },
        { ...event, detail: { ...event.detail, 'source-ip': '11.0.0.1' } },
        { ...event, time: '2017-10-03T00:00:00Z' },
      ],
    });
  });

  it('mixes operators and plain values in one field as alternatives', () => {
    specify({
      pattern: { state: ['running', { prefix: 'stop' }, { exists: false }] },
      matches: [{ state: 'running' }, { state: 'stopping' }, {}],
      rejects: [{ state: 'pending' }, { state: null }],
    });
  });
});

describe('$or', () => {
  it('source and (metricName or namespace)', () => {
    specify({
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
      },
      matches: [
        { source: 'aws.cloudwatch', metricName: 'ReadLatency' },
        { source: 'aws.cloudwatch', namespace: 'AWS/ES' },
        { source: 'aws.cloudwatch', metricName: 'Other', namespace: 'AWS/EC2' },
      ],
      rejects: [{ source: 'aws.cloudwatch', metricName: 'Other' }, { source: 'aws.ec2', metricName: 'ReadLatency' }],
    });
  });

  it('parallel $or at different levels must each hold', () => {
    specify({
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      matches: [{ namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }],
      rejects: [{ namespace: 'AWS/EC2', detail: { source: 'aws.ec2' } }, { detail: { source: 'aws.cloudwatch' } }],
    });
  });

  it('branches can hold several fields (AND) and nest another $or', () => {
    specify({
      pattern: {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          {
            metricType: ['MetricType'],
            namespace: ['AWS/EC2', 'AWS/ES'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
          { scope: ['Service'] },
        ],
      },
      matches: [
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES', spaceId: 1000 },
        { source: 'aws.cloudwatch', scope: 'Service' },
      ],
      rejects: [
        { source: 'aws.cloudwatch', metricType: 'MetricType', namespace: 'AWS/ES' },
        { source: 'aws.cloudwatch', metricType: 'MetricType', spaceId: 1000 },
      ],
    });
  });

  it('works inside objects of an array, one element at a time', () => {
    specify({
      pattern: { items: { $or: [{ sku: ['A'] }, { qty: [{ numeric: ['>', 10] }] }], status: ['open'] } },
      matches: [{ items: [{ sku: 'B', qty: 1, status: 'open' }, { sku: 'A', status: 'open' }] }],
      rejects: [{ items: [{ sku: 'A', status: 'closed' }, { sku: 'B', qty: 1, status: 'open' }] }],
    });
  });
});

describe('edge cases', () => {
  it('numbers match by value, never a numeric string', () => {
    specify({
      pattern: { n: [300] },
      matches: [{ n: 300 }, { n: 300.0 }, { n: 3e2 }, JSON.parse('{"n": 3.0e2}')],
      rejects: [{ n: '300' }, { n: 301 }],
    });
    specify({
      pattern: { n: ['300'] },
      matches: [{ n: '300' }],
      rejects: [{ n: 300 }],
    });
  });

  it('exact numbers beyond the numeric range still match exactly (an AWS account id)', () => {
    specify({
      pattern: { account: [123456789012] },
      matches: [{ account: 123456789012 }],
      rejects: [{ account: 123456789013 }],
    });
  });

  it('numeric ranges never match numbers EventBridge cannot compare', () => {
    specify({
      pattern: { n: [{ numeric: ['>', 0] }] },
      matches: [{ n: 5e9 }],
      rejects: [{ n: 5e9 + 1 }, { n: 1.0000001 }],
    });
  });

  it('booleans match booleans only', () => {
    specify({
      pattern: { on: [true] },
      matches: [{ on: true }, { on: [false, true] }],
      rejects: [{ on: 'true' }, { on: 1 }, { on: false }],
    });
  });

  it('a scalar in the pattern never matches an object in the event', () => {
    specify({
      pattern: { detail: ['x'] },
      matches: [{ detail: 'x' }],
      rejects: [{ detail: { x: 'x' } }, { detail: {} }],
    });
  });

  it('a nested pattern never matches a scalar in the event', () => {
    specify({
      pattern: { detail: { state: ['on'] } },
      matches: [{ detail: { state: 'on' } }],
      rejects: [{ detail: 'on' }, { detail: null }],
    });
  });

  it('anything-but on an array holds when any element is not excluded', () => {
    specify({
      pattern: { tags: [{ 'anything-but': ['a'] }] },
      matches: [{ tags: ['a', 'b'] }],
      rejects: [{ tags: ['a', 'a'] }, { tags: [] }],
    });
  });

  it('case-insensitive operators only apply to strings', () => {
    specify({ pattern: { v: [{ 'equals-ignore-case': 'TRUE' }] }, matches: [{ v: 'true' }], rejects: [{ v: true }] });
  });

  it('an empty prefix matches every string, and only strings', () => {
    specify({
      pattern: { v: [{ prefix: '' }] },
      matches: [{ v: '' }, { v: 'x' }],
      rejects: [{ v: 1 }, { v: null }, {}],
    });
  });

  it('ignores event fields the pattern does not name and non-JSON keys of the prototype', () => {
    specify({ pattern: { toString: [{ exists: false }] }, matches: [{}, { other: 1 }], rejects: [{ toString: 'x' }] });
  });

  it('routes the events the routing table is written for', () => {
    for (const route of routes) expect(validatePattern(route.pattern)).toEqual({ kind: 'valid' });
    expect(matchesPattern(archivePattern, { source: 'concord.ingest' })).toBe(true);
    expect(matchesPattern(archivePattern, { source: 'aws.ec2' })).toBe(false);
  });
});

describe('validatePattern', () => {
  const invalid: [string, unknown][] = [
    ['a pattern that is not an object', ['source']],
    ['an empty pattern', {}],
    ['an empty nested object', { detail: {} }],
    ['a leaf that is not an array', { source: 'aws.ec2' }],
    ['an empty leaf array', { source: [] }],
    ['a nested array as a value', { source: [['aws.ec2']] }],
    ['an unknown operator', { source: [{ contains: 'ec2' }] }],
    ['an operator object with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }],
    ['an empty operator object', { source: [{}] }],
    ['a non-string prefix', { source: [{ prefix: 1 }] }],
    ['prefix with something other than equals-ignore-case', { source: [{ prefix: { wildcard: 'a*' } }] }],
    ['a non-boolean exists', { source: [{ exists: 'yes' }] }],
    ['numeric that is not an array', { n: [{ numeric: '>' }] }],
    ['an unknown numeric operator', { n: [{ numeric: ['!=', 1] }] }],
    ['a numeric operator without a number', { n: [{ numeric: ['>', '1'] }] }],
    ['a numeric range upside down', { n: [{ numeric: ['>', 5, '<', 1] }] }],
    ['an empty numeric range', { n: [{ numeric: ['>=', 5, '<', 5] }] }],
    ['a numeric range starting with its upper bound', { n: [{ numeric: ['<', 5, '>', 1] }] }],
    ['a numeric range with three terms', { n: [{ numeric: ['>', 1, '<'] }] }],
    ['a numeric range with too many terms', { n: [{ numeric: ['>', 1, '<', 5, '=', 3] }] }],
    ['= followed by another bound', { n: [{ numeric: ['=', 1, '<', 5] }] }],
    ['a numeric bound beyond 5e9', { n: [{ numeric: ['<', 6e9] }] }],
    ['a numeric bound with seven decimals', { n: [{ numeric: ['>', 0.1234567] }] }],
    ['anything-but with an empty list', { s: [{ 'anything-but': [] }] }],
    ['anything-but with mixed types', { s: [{ 'anything-but': ['a', 1] }] }],
    ['anything-but null', { s: [{ 'anything-but': null }] }],
    ['anything-but a boolean', { s: [{ 'anything-but': true }] }],
    ['anything-but an empty prefix', { s: [{ 'anything-but': { prefix: '' } }] }],
    ['anything-but an unknown nested operator', { s: [{ 'anything-but': { numeric: ['>', 1] } }] }],
    ['anything-but a nested object with two keys', { s: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] }],
    ['anything-but equals-ignore-case with a number', { s: [{ 'anything-but': { 'equals-ignore-case': 1 } }] }],
    ['consecutive wildcards', { s: [{ wildcard: 'a**b' }] }],
    ['an escape of an ordinary character', { s: [{ wildcard: 'a\\b' }] }],
    ['a trailing backslash', { s: [{ wildcard: 'a\\' }] }],
    ['anything-but an invalid wildcard', { s: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] }],
    ['a malformed cidr', { ip: [{ cidr: '10.0.0.0' }] }],
    ['a cidr prefix too long', { ip: [{ cidr: '10.0.0.0/33' }] }],
    ['a cidr with a bad octet', { ip: [{ cidr: '10.0.0.256/24' }] }],
    ['$or that is not an array', { $or: { a: ['x'] } }],
    ['$or with one branch', { $or: [{ a: ['x'] }] }],
    ['$or with a non-object branch', { $or: [{ a: ['x'] }, ['b']] }],
    ['$or with an empty branch', { $or: [{ a: ['x'] }, {}] }],
    ['a reserved word as a field inside $or', { $or: [{ prefix: ['x'] }, { b: ['y'] }] }],
    ['a non-finite number', { n: [Number.POSITIVE_INFINITY] }],
  ];

  it.each(invalid)('refuses %s', (_, pattern) => {
    expect(validatePattern(pattern)).toMatchObject({ kind: 'invalid', detail: expect.any(String) });
  });

  it('names the offending path', () => {
    expect(validatePattern({ detail: { state: [{ 'anything-but': [] }] } })).toEqual({
      kind: 'invalid',
      detail: 'detail.state[0].anything-but: the list must not be empty',
    });
  });

  it('accepts every documented operator form', () => {
    const pattern = {
      a: ['x', 1, true, null, ''],
      b: [
        { prefix: 'p' },
        { prefix: { 'equals-ignore-case': 'P' } },
        { suffix: 's' },
        { suffix: { 'equals-ignore-case': 'S' } },
      ],
      c: [{ 'equals-ignore-case': 'e' }, { wildcard: 'w*\\*\\\\' }, { cidr: '10.0.0.0/8' }, { cidr: '::1/128' }],
      d: [{ numeric: ['=', 1] }, { numeric: ['>=', -5e9, '<=', 5e9] }, { numeric: ['<=', 0.000001] }],
      e: [{ exists: true }, { exists: false }],
      f: [
        { 'anything-but': 'x' },
        { 'anything-but': 1 },
        { 'anything-but': ['x', 'y'] },
        { 'anything-but': [1, 2] },
        { 'anything-but': { prefix: 'p' } },
        { 'anything-but': { suffix: ['s', 't'] } },
        { 'anything-but': { 'equals-ignore-case': ['E'] } },
        { 'anything-but': { wildcard: '*/lib/*' } },
      ],
      g: { $or: [{ h: ['1'] }, { i: { j: [{ exists: false }] } }] },
    };
    expect(validatePattern(pattern)).toEqual({ kind: 'valid' });
  });

  it('matchesPattern refuses an invalid pattern loudly rather than routing nothing', () => {
    expect(() => matchesPattern({ source: [] }, { source: 'x' })).toThrow(InvalidEventPatternError);
  });
});

describe('properties', () => {
  type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

  const isLeaf = (value: Json): value is Exclude<Json, object> | null => value === null || typeof value !== 'object';

  /** A pattern naming some of the event's own leaves, each with its own value; undefined if it has none. */
  function patternFrom(event: { [key: string]: Json }): EventPattern | undefined {
    const pattern: EventPattern = {};
    for (const [key, value] of Object.entries(event)) {
      if (key === '$or' || key === '__proto__') continue;
      // from an array, any one of its scalar elements will do
      const leaf = Array.isArray(value) ? value.find(isLeaf) : value;
      if (leaf !== undefined && isLeaf(leaf)) pattern[key] = [leaf];
      else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        const nested = patternFrom(value);
        if (nested) pattern[key] = nested;
      }
    }
    return Object.keys(pattern).length > 0 ? pattern : undefined;
  }

  const jsonObject = fc.dictionary(fc.string(), fc.jsonValue() as fc.Arbitrary<Json>);

  it('a pattern built from an event’s own values always matches it', () => {
    fc.assert(
      fc.property(jsonObject, (event) => {
        const pattern = patternFrom(event);
        fc.pre(pattern !== undefined);
        expect(validatePattern(pattern)).toEqual({ kind: 'valid' });
        expect(matchesPattern(pattern!, event)).toBe(true);
      }),
    );
  });

  const comparable = fc.integer({ min: -5_000_000_000_000, max: 5_000_000_000_000 }).map((n) => n / 1000);
  const excludable = fc.oneof(fc.string(), comparable);

  it('anything-but [v] never matches v, and is the complement of [v] for a present value', () => {
    fc.assert(
      fc.property(excludable, fc.oneof(excludable, fc.boolean(), fc.constant(null)), (v, other) => {
        expect(matchesPattern({ f: [{ 'anything-but': [v] }] }, { f: v })).toBe(false);
        const equal = matchesPattern({ f: [v] }, { f: other });
        expect(matchesPattern({ f: [{ 'anything-but': [v] }] }, { f: other })).toBe(!equal);
      }),
    );
  });

  const escapeWildcard = (text: string) => text.replace(/[\\*]/g, (char) => `\\${char}`);

  it('prefix p and wildcard "p*" (p escaped) agree on every string', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '*', '\\') });
    fc.assert(
      fc.property(text, text, (p, s) => {
        expect(matchesPattern({ f: [{ wildcard: `${escapeWildcard(p)}*` }] }, { f: s })).toBe(
          matchesPattern({ f: [{ prefix: p }] }, { f: s }),
        );
        expect(matchesPattern({ f: [{ wildcard: escapeWildcard(p) }] }, { f: s })).toBe(s === p);
      }),
    );
  });

  it('equals-ignore-case matches the value in any case', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(matchesPattern({ f: [{ 'equals-ignore-case': s.toUpperCase() }] }, { f: s.toLowerCase() })).toBe(true);
      }),
    );
  });
});
