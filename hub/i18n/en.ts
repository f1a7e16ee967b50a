// English: the keys are English already; only plural forms need saying.
export const en: Record<string, string> = {
  '{{count}} customers_one': '{{count}} customer',
  '{{count}} customers_other': '{{count}} customers',
  '{{count}} presses since {{time}}_one': '{{count}} press since {{time}}',
  '{{count}} presses since {{time}}_other': '{{count}} presses since {{time}}',
  '{{count}} incidents from {{from}} to {{to}} ({{zone}})._one': '{{count}} incident from {{from}} to {{to}} ({{zone}}).',
  '{{count}} incidents from {{from}} to {{to}} ({{zone}})._other': '{{count}} incidents from {{from}} to {{to}} ({{zone}}).',
  '{{count}} phone notifications not delivered yet ({{error}}): trying again_one': '{{count}} phone notification not delivered yet ({{error}}): trying again',
  '{{count}} phone notifications not delivered yet ({{error}}): trying again_other': '{{count}} phone notifications not delivered yet ({{error}}): trying again',
  '{{count}} phone notifications given up after an hour without internet_one': '{{count}} phone notification given up after an hour without internet',
  '{{count}} phone notifications given up after an hour without internet_other': '{{count}} phone notifications given up after an hour without internet',
  'Last {{count}} days_one': 'Last day',
  'Last {{count}} days_other': 'Last {{count}} days',
};
