import { describe, expect, it } from 'vitest';
import { deviceTopic, downlinkChannels, parseDeviceTopic, uplinkChannels } from '../../shared/topics.js';

describe('topics', () => {
  it('builds and parses five-level device topics', () => {
    const topic = deviceTopic('cafe', 'btn-1', 'press');
    expect(topic).toBe('lb/1/cafe/btn-1/press');
    expect(parseDeviceTopic(topic)).toEqual({ site: 'cafe', device: 'btn-1', channel: 'press' });
  });

  it.each(['lb/1/cafe/btn-1', 'lb/1/cafe/btn-1/press/extra', 'lb/2/cafe/btn-1/press', 'xx/1/cafe/btn-1/press', 'lb/1/Cafe/btn-1/press', 'lb/1/cafe//press', 'lb/1/cafe/btn-1/'])(
    'rejects %s',
    (topic) => {
      expect(parseDeviceTopic(topic)).toBeNull();
    },
  );

  it('gives buttons and pagers their own channels', () => {
    expect(uplinkChannels('button')).toEqual(['press', 'reach', 'hb', 'status', 'ups']);
    expect(uplinkChannels('pager')).toEqual(['ack', 'decline', 'outcome', 'mute', 'shift', 'hb', 'status', 'ups']);
    expect(downlinkChannels('button')).toEqual(['fb', 'time', 'upd']);
    expect(downlinkChannels('pager')).toEqual(['alert', 'cancel', 'time', 'upd', 'duty']);
  });
});
