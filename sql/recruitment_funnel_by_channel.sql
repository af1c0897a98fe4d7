-- The recruitment funnel per channel and year of the quarter: applications, then how many
-- were screened, interviewed, offered a post and hired; hire rate = hired / applications.
SELECT
    year(f.quarter) AS year,
    f.channel,
    CASE f.channel
        WHEN 'FRANCE_TRAVAIL' THEN 'France Travail'
        WHEN 'JOB_BOARD' THEN 'Sites d''emploi'
        WHEN 'SCHOOL' THEN 'Écoles'
        WHEN 'REFERRAL' THEN 'Cooptation'
        WHEN 'SOCIAL_MEDIA' THEN 'Réseaux sociaux'
        WHEN 'SPONTANEOUS' THEN 'Candidature spontanée'
        ELSE 'Autre'
    END AS channel_label,
    shown_count(sum(f.applications)) AS applications,
    shown_count(sum(f.screened)) AS screened,
    shown_count(sum(f.interviewed)) AS interviewed,
    shown_count(sum(f.offered)) AS offered,
    shown_count(sum(f.hired)) AS hired,
    shown_share(sum(f.hired) / nullif(sum(f.applications), 0), sum(f.hired), sum(f.applications)) AS hire_rate
FROM marts.recruitment_funnel AS f
GROUP BY year(f.quarter), f.channel
ORDER BY year, f.channel
