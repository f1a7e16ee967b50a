// English: the keys are English already; only the singular of counted texts
// needs saying (the plural is the key itself).
export const en: Record<string, string> = {
  '{{count}} customers_one': '{{count}} customer',
  '{{count}} presses since {{time}}_one': '{{count}} press since {{time}}',
  '{{count}} incidents from {{from}} to {{to}} ({{zone}})._one': '{{count}} incident from {{from}} to {{to}} ({{zone}}).',
  '{{count}} phone notifications not delivered yet ({{error}}): trying again_one': '{{count}} phone notification not delivered yet ({{error}}): trying again',
  '{{count}} phone notifications given up after an hour without internet_one': '{{count}} phone notification given up after an hour without internet',
  'Last {{count}} days_one': 'Last day',
  '{{from}} to {{to}} ({{zone}}): {{count}} incidents_one': '{{from}} to {{to}} ({{zone}}): {{count}} incident',
  're-triggered ×{{count}}_one': 're-triggered ×{{count}}',
  '{{count}} of {{total}} need attention._one': '{{count}} of {{total}} needs attention.',
  '{{count}} dropped_one': '{{count}} dropped',
  'The week {{from}} to {{to}}: {{count}} incidents._one': 'The week {{from}} to {{to}}: {{count}} incident.',
  '{{count}} incidents, {{recovered}} of {{resolved}} won back_one': '{{count}} incident, {{recovered}} of {{resolved}} won back',
  '{{count}} presses_one': '{{count}} press',
  '{{count}} records not yet confirmed_one': '{{count}} record not yet confirmed',
  '{{count}} still open: {{places}}_one': '{{count}} still open: {{places}}',
  '{{count}} complaints still open at closing: {{places}}_one': '{{count}} complaint still open at closing: {{places}}',
  '{{site}}: {{count}} complaints on {{date}}_one': '{{site}}: {{count}} complaint on {{date}}',
};
