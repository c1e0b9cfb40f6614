import { describe, expect, it } from 'vitest';
import { auPublicHolidays } from '../../shared/domain/au-holidays';
import auHolidayTable from '../../shared/domain/au-holidays.table.json';
import { auHolidayYears, buildAuHolidayTable, dateHolidaysAu } from '../../infra/tools/au-holidays-table';
import {
  auJurisdictions,
  auSecurityOfPayment,
  businessDaysLeft,
  paymentScheduleDeadline,
  paymentScheduleFigures,
  paymentScheduleJurisdictionRefusal,
  paymentScheduleStatus,
} from '../../shared/domain/au-payment-schedules';
import { qldRetentionCapIssues } from '../../shared/domain/sliding-scale';
import { addBusinessDays, addCalendarDays, businessDaysBetween, isCalendarDate, previousBusinessDay } from '../../shared/domain/business-days';

describe('business days', () => {
  const none = () => false;
  it('counts weekdays after the day of service', () => {
    expect(addBusinessDays('2026-12-04', 1, none)).toBe('2026-12-07'); // Fri → Mon
    expect(addBusinessDays('2026-12-05', 0, none)).toBe('2026-12-05');
    expect(addBusinessDays('2026-12-04', 10, (d) => d === '2026-12-08')).toBe('2026-12-21');
    expect(previousBusinessDay('2026-12-07', none)).toBe('2026-12-04');
    expect(businessDaysBetween('2026-12-04', '2026-12-11', none)).toBe(5);
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29');
  });
  it('refuses what is not a calendar date', () => {
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(() => addCalendarDays('2027-13-01', 1)).toThrow(RangeError);
  });
});

describe('Australian public holidays (a table built from date-holidays)', () => {
  it('the committed table is what the installed date-holidays data gives (else run `npm run holidays:table`)', () => {
    expect(auHolidayTable).toEqual(buildAuHolidayTable());
  });
  it('gives exactly the holidays date-holidays gives, names and order too, for every state and year it covers', () => {
    for (const jurisdiction of auJurisdictions) {
      const holidaysIn = dateHolidaysAu(jurisdiction);
      for (let year = auHolidayYears.from; year <= auHolidayYears.to; year++) {
        expect({ jurisdiction, year, holidays: auPublicHolidays(jurisdiction, year) }).toEqual({ jurisdiction, year, holidays: holidaysIn(year) });
      }
    }
  });
  it('holds each holiday as rules where it can (a fixed day, days from Easter, a weekday on or after a day, by weekday), one-offs as dates', () => {
    const nsw = Object.fromEntries(auHolidayTable.holidays.NSW.map(([name, ...rules]) => [name, rules]));
    expect(nsw['Good Friday']).toEqual(['E-2']);
    expect(nsw['Labour Day']).toEqual(['1001>1']); // the first Monday of October
    expect(nsw['Australia Day']).toEqual(['0126:1000002']); // a Sunday's or Saturday's on the Monday after
    expect(nsw['National Day of Mourning for Queen Elizabeth II']).toEqual(['2022-09-22']);
  });
  it('says which years it knows rather than answering with no holidays', () => {
    expect(() => auPublicHolidays('NSW', 2099)).toThrow(/2015–2060, not 2099/);
    expect(() => auPublicHolidays('NSW', 2014)).toThrow(/2015–2060, not 2014/);
  });
  it('knows each state’s holidays, whole days only', () => {
    const nsw2027 = auPublicHolidays('NSW', 2027).map((h) => h.date);
    expect(nsw2027).toEqual(expect.arrayContaining(['2027-01-01', '2027-01-26', '2027-03-26', '2027-03-29', '2027-12-27', '2027-12-28']));
    expect(auPublicHolidays('QLD', 2026).map((h) => h.date)).not.toContain('2026-12-24'); // Christmas Eve from 6 pm only
    expect(auPublicHolidays('VIC', 2027).map((h) => h.date)).toContain('2027-03-08'); // Labour Day
    expect(auPublicHolidays('QLD', 2027).map((h) => h.date)).toContain('2027-04-26'); // Anzac Day on a Sunday → Monday
  });
});

describe('payment schedule periods', () => {
  it('has every jurisdiction with its Act', () => {
    expect(Object.keys(auSecurityOfPayment).sort()).toEqual([...auJurisdictions].sort());
    expect(Object.fromEntries(auJurisdictions.map((j) => [j, auSecurityOfPayment[j].scheduleBusinessDays]))).toEqual({
      NSW: 10, VIC: 10, QLD: 15, WA: 15, SA: 15, TAS: 10, ACT: 10, NT: null,
    });
    expect(paymentScheduleJurisdictionRefusal('NT')).toMatch(/no payment schedule/);
    expect(paymentScheduleJurisdictionRefusal('NSW')).toBeUndefined();
  });
});

describe('worked deadlines across Christmas 2026–27 and Easter 2027', () => {
  it('NSW, claim served Thu 17 Dec 2026: 10 business days skip Christmas, 28–31 Dec and New Year → Fri 8 Jan 2027', () => {
    const d = paymentScheduleDeadline({ jurisdiction: 'NSW', claimServedOn: '2026-12-17' });
    expect(d).toMatchObject({ businessDays: 10, dueOn: '2027-01-08', remindOn: '2027-01-06' });
    expect(d.skipped.map((s) => s.date)).toEqual(['2026-12-25', '2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01']);
    expect(d.skipped[1]!.reason).toBe('Boxing Day (substitute day)');
    expect(d.skipped[2]!.reason).toMatch(/Security of Payment Act 1999 \(NSW\)/);
  });

  it('QLD, the same claim: 15 business days, none from 22 Dec to 10 Jan, nor Australia Day → Thu 28 Jan 2027', () => {
    const d = paymentScheduleDeadline({ jurisdiction: 'QLD', claimServedOn: '2026-12-17' });
    expect(d).toMatchObject({ businessDays: 15, dueOn: '2027-01-28', remindOn: '2027-01-25' });
    expect(d.skipped.map((s) => s.date)).toContain('2027-01-26');
    expect(d.skipped.filter((s) => s.date >= '2026-12-22' && s.date <= '2027-01-10')).toHaveLength(14);
  });

  it('VIC has no Christmas exclusion: the same claim is due Tue 5 Jan 2027', () => {
    expect(paymentScheduleDeadline({ jurisdiction: 'VIC', claimServedOn: '2026-12-17' }).dueOn).toBe('2027-01-05');
  });

  it('NSW, claim served Wed 17 Mar 2027: Good Friday and Easter Monday skipped → Fri 2 Apr 2027', () => {
    const d = paymentScheduleDeadline({ jurisdiction: 'NSW', claimServedOn: '2027-03-17' });
    expect(d.dueOn).toBe('2027-04-02');
    expect(d.skipped).toEqual([
      { date: '2027-03-26', reason: 'Good Friday' },
      { date: '2027-03-29', reason: 'Easter Monday' },
    ]);
  });

  it('QLD, the same claim: 15 business days → Fri 9 Apr 2027; a shorter contract period wins', () => {
    expect(paymentScheduleDeadline({ jurisdiction: 'QLD', claimServedOn: '2027-03-17' }).dueOn).toBe('2027-04-09');
    expect(paymentScheduleDeadline({ jurisdiction: 'QLD', claimServedOn: '2027-03-17', contractBusinessDays: 5 }).dueOn).toBe('2027-03-24');
  });

  it('Easter 2026, claim served Wed 25 Mar 2026: NSW → Fri 10 Apr, QLD → Fri 17 Apr (Good Friday 3 Apr, Easter Monday 6 Apr skipped)', () => {
    const nsw = paymentScheduleDeadline({ jurisdiction: 'NSW', claimServedOn: '2026-03-25' });
    expect(nsw.dueOn).toBe('2026-04-10');
    expect(nsw.skipped.map((s) => s.date)).toEqual(['2026-04-03', '2026-04-06']);
    expect(paymentScheduleDeadline({ jurisdiction: 'QLD', claimServedOn: '2026-03-25' }).dueOn).toBe('2026-04-17');
  });

  it('Christmas 2027, claim served Fri 17 Dec 2027: NSW → Mon 10 Jan 2028 (27–31 Dec, New Year’s Day observed Mon 3 Jan); QLD → Fri 28 Jan 2028', () => {
    const nsw = paymentScheduleDeadline({ jurisdiction: 'NSW', claimServedOn: '2027-12-17' });
    expect(nsw).toMatchObject({ dueOn: '2028-01-10' });
    expect(nsw.skipped.map((s) => s.date)).toEqual(['2027-12-27', '2027-12-28', '2027-12-29', '2027-12-30', '2027-12-31', '2028-01-03']);
    // QLD: 20–21 Dec count, then nothing until Tue 11 Jan; Australia Day (Wed 26 Jan) skipped.
    const qld = paymentScheduleDeadline({ jurisdiction: 'QLD', claimServedOn: '2027-12-17' });
    expect(qld.dueOn).toBe('2028-01-28');
    expect(qld.skipped.at(-1)).toEqual({ date: '2028-01-26', reason: 'Australia Day' });
  });

  it('TAS leaves out 27–31 December (checked); WA, SA and NT still unchecked against the Acts', () => {
    expect(auSecurityOfPayment.TAS).toMatchObject({ closed: [{ from: '12-27', to: '12-31' }], checked: true });
    expect([auSecurityOfPayment.WA.checked, auSecurityOfPayment.SA.checked, auSecurityOfPayment.NT.checked]).toEqual([false, false, false]);
  });

  it('flags overdue the day after the deadline, never once served', () => {
    const d = paymentScheduleDeadline({ jurisdiction: 'NSW', claimServedOn: '2026-12-17' });
    expect(paymentScheduleStatus(d, undefined, '2027-01-08')).toBe('due');
    expect(paymentScheduleStatus(d, undefined, '2027-01-09')).toBe('overdue');
    expect(paymentScheduleStatus(d, '2027-01-11', '2027-01-12')).toBe('served');
    expect(businessDaysLeft('NSW', d.dueOn, '2026-12-24')).toBe(5);
  });
});

describe('payment schedule figures', () => {
  const claimed = [
    { lineId: 'L1', claimedCents: 5_000_000 },
    { lineId: 'L2', claimedCents: 2_000_000 },
  ];
  it('sets scheduled beside claimed with the reason for each difference', () => {
    const result = paymentScheduleFigures(claimed, [{ lineId: 'L2', scheduledCents: 1_250_000, reason: 'Defective tiling, level 3' }]);
    expect(result).toEqual({
      figures: {
        lines: [
          { lineId: 'L1', claimedCents: 5_000_000, scheduledCents: 5_000_000, differenceCents: 0, reason: null },
          { lineId: 'L2', claimedCents: 2_000_000, scheduledCents: 1_250_000, differenceCents: -750_000, reason: 'Defective tiling, level 3' },
        ],
        claimedCents: 7_000_000,
        scheduledCents: 6_250_000,
        differenceCents: -750_000,
      },
    });
  });
  it('requires a reason for every difference and names each bad field', () => {
    const result = paymentScheduleFigures(claimed, [
      { lineId: 'L1', scheduledCents: 4_000_000, reason: '  ' },
      { lineId: 'L9', scheduledCents: 1 },
      { lineId: 'L2', scheduledCents: -1, reason: 'x' },
    ]);
    expect('issues' in result && result.issues.map((i) => i.field)).toEqual(['lines.0.reason', 'lines.1.lineId', 'lines.2.scheduledCents']);
  });
});

describe('Queensland retention caps', () => {
  const contract = { originalContractSumCents: 40_000_000, contractSumToDateCents: 40_000_000 };
  it('allows 10 % until 5 %', () => {
    expect(qldRetentionCapIssues([{ retainagePercent: '10', until: { kind: 'original_contract_percent', percent: '5' } }], contract)).toEqual([]);
  });
  it('refuses more than 10 % of a claim or more than 5 % of the contract price in total', () => {
    const issues = qldRetentionCapIssues(
      [
        { retainagePercent: '12.5', until: { kind: 'amount', cents: 1_000_000 } },
        { retainagePercent: '5', until: { kind: 'amount', cents: 2_000_001 } },
      ],
      contract,
    );
    expect(issues.map((i) => i.field)).toEqual(['rules.0.retainagePercent', 'rules.1.until']);
    expect(issues[1]!.message).toMatch(/20000.01, above Queensland's 5 % of the contract price \(20000.00\)/);
  });
});
