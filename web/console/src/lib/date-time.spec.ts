import { dayRangeInstants, formatDateTime, formatTime } from './date-time';

describe('dates shown and sent', () => {
  it('shows an instant in local time, and nothing for a missing one', () => {
    const at = new Date(2030, 0, 2, 3, 4);
    expect(formatDateTime(at.toISOString())).toBe('2030-01-02 03:04');
    expect(formatTime(at.toISOString())).toBe('03:04');
    expect(formatDateTime(null)).toBe('');
  });

  it('turns a picked day range into the instants from the first midnight to the one after the last day', () => {
    expect(dayRangeInstants(['2030-01-31', '2030-02-28'])).toEqual({
      createdFrom: new Date(2030, 0, 31).toISOString(),
      createdTo: new Date(2030, 2, 1).toISOString(),
    });
    expect(dayRangeInstants(null)).toEqual({});
  });
});
